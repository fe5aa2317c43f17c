package io.sockmap4j.examples.sidecar;

import io.sockmap4j.examples.net.ReportLoop;
import io.sockmap4j.runtime.AttachOptions;
import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.BpfStats;
import io.sockmap4j.runtime.ProgramStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Attaches the {@link Sidecar} programs to one cgroup and keeps them attached until closed. While
 * it runs, every local TCP connection between processes of that cgroup skips TCP/IP: what one end
 * sends lands directly on the other end's receive queue. Java does nothing per connection.
 *
 * <p>It only ever attaches to a child cgroup: the root cgroup holds every process on the machine,
 * and a bypass there would change how every local connection is carried.
 */
public final class SidecarBypass implements AutoCloseable {
  private final SidecarLoader bpf;
  private final Path cgroup;
  private final BpfStats runStats;

  private SidecarBypass(SidecarLoader bpf, Path cgroup, BpfStats runStats) {
    this.bpf = bpf;
    this.cgroup = cgroup;
    this.runStats = runStats;
  }

  /** What the programs have done so far. */
  public record Stats(int sockets, long sockOpsRuns, long msgRuns, double msgMeanNanos) {
    @Override
    public String toString() {
      return String.format(
          "sockets in the map: %d; sock_ops runs: %d; SK_MSG runs: %d (%.0f ns mean)",
          sockets, sockOpsRuns, msgRuns, msgMeanNanos);
    }
  }

  /**
   * Attaches the sock_ops program to {@code cgroup} and the SK_MSG verdict to the connection map.
   * Also turns on the kernel's run statistics for as long as this is open, if the kernel allows it
   * (Linux 5.8); otherwise the run counts stay 0.
   *
   * @throws IllegalArgumentException if {@code cgroup} is not a child cgroup v2 directory (see
   *     {@link #checkCgroup})
   */
  public static SidecarBypass attach(Path cgroup) {
    Path checked = checkCgroup(cgroup);
    BpfStats runStats = null;
    try {
      runStats = BpfStats.enable();
    } catch (BpfException e) {
      System.err.println("sidecar: no run statistics (" + e.getMessage() + ")");
    }
    try {
      return new SidecarBypass(
          SidecarLoader.attach(AttachOptions.defaults().cgroup(checked)), checked, runStats);
    } catch (RuntimeException e) {
      if (runStats != null) {
        runStats.close();
      }
      throw e;
    }
  }

  /**
   * Checks that {@code cgroup} is a directory of a cgroup v2 file system other than its root.
   *
   * @return the directory's real path
   * @throws IllegalArgumentException saying what is wrong and what to do
   */
  public static Path checkCgroup(Path cgroup) {
    Path real;
    try {
      real = cgroup.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the cgroup "
              + cgroup
              + " does not exist: create it first, for example 'mkdir /sys/fs/cgroup/mesh', and"
              + " move the processes whose connections should bypass TCP into it ('echo PID >"
              + " /sys/fs/cgroup/mesh/cgroup.procs')",
          e);
    }
    List<Path> mounts = cgroup2Mounts();
    if (mounts.contains(real)) {
      throw new IllegalArgumentException(
          "refusing to attach to the root cgroup "
              + real
              + ": every TCP connection on the machine would be inserted and bypassed. Create a"
              + " child cgroup ('mkdir "
              + real.resolve("mesh")
              + "'), move the processes into it through its cgroup.procs, and pass that directory");
    }
    if (mounts.stream().noneMatch(real::startsWith)
        || !Files.exists(real.resolve("cgroup.procs"))) {
      throw new IllegalArgumentException(
          real
              + " is not a cgroup v2 directory"
              + (mounts.isEmpty()
                  ? " (no cgroup2 file system is mounted: 'mount -t cgroup2 none /sys/fs/cgroup')"
                  : " (cgroup v2 is mounted at " + mounts + ")")
              + ": give a directory under it, for example "
              + (mounts.isEmpty() ? Path.of("/sys/fs/cgroup") : mounts.get(0)).resolve("mesh"));
    }
    return real;
  }

  /** The mount points of cgroup2 file systems, from /proc/self/mountinfo. */
  static List<Path> cgroup2Mounts() {
    try {
      return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
          .map(line -> line.split(" "))
          .filter(
              fields -> {
                int dash = List.of(fields).indexOf("-");
                return dash > 0 && dash + 1 < fields.length && fields[dash + 1].equals("cgroup2");
              })
          .map(fields -> Path.of(fields[4]))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The cgroup the programs are attached to. */
  public Path cgroup() {
    return cgroup;
  }

  /** The number of sockets in the map and the programs' run counts. */
  public Stats stats() {
    ProgramStats insert = bpf.object().programStats("insert");
    ProgramStats bypass = bpf.object().programStats("bypass");
    return new Stats(
        bpf.connections().size(), insert.runCount(), bypass.runCount(), bypass.meanRunNanos());
  }

  /** Whether run counts are available (the kernel enabled its statistics for us). */
  public boolean counting() {
    return runStats != null;
  }

  /** The generated Loader, to read the map directly. */
  public SidecarLoader bpf() {
    return bpf;
  }

  /**
   * Detaches both programs and frees the map. Connections inserted so far become ordinary TCP
   * connections again (the map releases its sockets); they keep working.
   */
  @Override
  public void close() {
    try {
      bpf.close();
    } finally {
      if (runStats != null) {
        runStats.close();
      }
    }
  }

  /** {@code sidecar --cgroup /sys/fs/cgroup/mesh}: runs until Ctrl-C (or for {@code --seconds}). */
  @Command(
      name = "sidecar",
      mixinStandardHelpOptions = true,
      description =
          "Same-host TCP bypass for the connections of one cgroup: sock_ops inserts them, SK_MSG"
              + " hands each send to the peer's receive queue.")
  static final class Cli implements Callable<Integer> {
    @Option(
        names = "--cgroup",
        required = true,
        description = "A child cgroup v2 directory, e.g. /sys/fs/cgroup/mesh (never the root).")
    Path cgroup;

    @Option(
        names = "--seconds",
        description =
            "Stop after this many seconds; 0 runs until Ctrl-C (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
        names = "--interval",
        description = "Seconds between reports; 0 for none (default ${DEFAULT-VALUE}).")
    int interval = 5;

    /** Told about the attached sidecar (the test uses it to check what is freed at the end). */
    Consumer<SidecarBypass> attached = sidecar -> {};

    @Override
    public Integer call() throws Exception {
      SidecarBypass sidecar;
      try {
        sidecar = attach(cgroup);
      } catch (IllegalArgumentException e) {
        System.err.println("sidecar: " + e.getMessage());
        return 2;
      }
      attached.accept(sidecar);
      CountDownLatch stopped = new CountDownLatch(1);
      Thread onCtrlC =
          new Thread(
              () -> {
                stopAndReport(sidecar);
                stopped.countDown();
              },
              "sidecar-shutdown");
      Runtime.getRuntime().addShutdownHook(onCtrlC);
      System.out.println(
          "bypassing local connections of cgroup "
              + sidecar.cgroup()
              + (sidecar.counting() ? "" : " (no run counts: statistics refused)")
              + "; Ctrl-C to stop");
      if (ReportLoop.run(stopped, seconds, interval, () -> System.out.println(sidecar.stats()))) {
        return 0; // Ctrl-C: the hook reported and detached
      }
      Runtime.getRuntime().removeShutdownHook(onCtrlC);
      stopAndReport(sidecar);
      return 0;
    }

    private static void stopAndReport(SidecarBypass sidecar) {
      Stats last = sidecar.stats();
      sidecar.close();
      System.out.println("detached; " + last);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Cli()).execute(args));
  }
}
