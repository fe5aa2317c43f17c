package io.sockmap4j.runtime;

import com.sun.jna.Native;
import io.sockmap4j.runtime.internal.Errno;
import io.sockmap4j.runtime.internal.LibC;
import io.sockmap4j.runtime.internal.OwnedFd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back what programs print with {@code Debug.print} ({@code bpf_trace_printk}): the lines of
 * the kernel's {@code trace_pipe} in a mounted tracefs.
 *
 * <p>Reading {@code trace_pipe} consumes the lines, for every reader in the system: open one pipe
 * at a time, and expect to see other programs' prints too (filter them, for example by a marker in
 * the format). Reads never block longer than the timeout given: the pipe is opened non-blocking and
 * polled. Opening or reading changes no tracing setting.
 *
 * <pre>{@code
 * try (TracePipe trace = TracePipe.open()) {
 *   Optional<TracePipe.Line> line = trace.await(l -> l.message().startsWith("conn "), timeout);
 * }
 * }</pre>
 *
 * <p>Needs read access to tracefs ({@code root}, or {@code CAP_SYS_ADMIN} / a permissive mount).
 */
public final class TracePipe implements AutoCloseable {

  private static final int O_RDONLY = 0;
  private static final int O_NONBLOCK = 04000;
  private static final int O_CLOEXEC = 02000000;
  private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();

  /**
   * {@code <task>-<pid> [<cpu>] <flags> <timestamp>: bpf_trace_printk: <message>}; older kernels
   * print {@code <func>: } or nothing instead of {@code bpf_trace_printk: }.
   */
  private static final Pattern LINE =
      Pattern.compile(
          "^\\s*(.*)-(\\d+)\\s+(?:\\(.*?\\)\\s+)?\\[(\\d+)\\][^:]*:\\s*(?:bpf_trace_printk:\\s)?(.*)$");

  private final Path path;
  private final OwnedFd fd;
  private final ArrayDeque<String> pending = new ArrayDeque<>();
  private final StringBuilder partial = new StringBuilder();

  private TracePipe(Path path, OwnedFd fd) {
    this.path = path;
    this.fd = fd;
  }

  /**
   * One line of the trace.
   *
   * @param raw the whole line as the kernel printed it
   * @param task the task name (truncated to 15 characters by the kernel, {@code <...>} if unknown)
   * @param pid the thread that was running when the program printed
   * @param message what the program printed, without the trailing newline
   */
  public record Line(String raw, String task, int pid, String message) {}

  /**
   * Opens {@code trace_pipe} of the first tracefs mount of this process ({@code
   * /proc/self/mountinfo}), or of a debugfs mount's {@code tracing} directory.
   *
   * @throws IllegalStateException if no tracefs is mounted, saying how to mount one
   * @throws BpfException if the pipe cannot be opened (errno: EACCES without privileges)
   */
  public static TracePipe open() {
    return open(
        findTracefs()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no tracefs is mounted, so the kernel's trace_pipe cannot be read: mount it with"
                            + " 'mount -t tracefs nodev /sys/kernel/tracing' (tracefs is in every kernel that"
                            + " has bpf_trace_printk), then open TracePipe again, or pass the mount point to"
                            + " TracePipe.open(Path)")));
  }

  /**
   * Opens {@code directory/trace_pipe}, where {@code directory} is a tracefs mount point (or a
   * debugfs's {@code tracing} directory).
   *
   * @throws BpfException if the pipe cannot be opened
   */
  public static TracePipe open(Path directory) {
    Path pipe = directory.resolve("trace_pipe");
    int value = LibC.INSTANCE.open(pipe.toString(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (value < 0) {
      int errno = Native.getLastError();
      throw new BpfException(
          "open " + pipe,
          errno,
          errno == Errno.ENOENT
              ? directory + " is not a tracefs mount (it has no trace_pipe)"
              : "reading the kernel trace needs root (or CAP_SYS_ADMIN) on most systems");
    }
    return new TracePipe(pipe, new OwnedFd(value, "trace pipe " + pipe));
  }

  /** Where a tracefs is mounted in this process's mount namespace, if anywhere. */
  public static Optional<Path> findTracefs() {
    List<String> mounts;
    try {
      mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      return Optional.empty();
    }
    Optional<Path> debugfs = Optional.empty();
    for (String mount : mounts) {
      // id parent major:minor root mount-point options [optional fields] - type source options
      String[] fields = mount.split(" ");
      int dash = List.of(fields).indexOf("-");
      if (fields.length < 5 || dash < 0 || dash + 1 >= fields.length) {
        continue;
      }
      Path mountPoint = Path.of(unescape(fields[4]));
      if (fields[dash + 1].equals("tracefs") && Files.exists(mountPoint.resolve("trace_pipe"))) {
        return Optional.of(mountPoint);
      }
      if (fields[dash + 1].equals("debugfs")
          && Files.exists(mountPoint.resolve("tracing").resolve("trace_pipe"))) {
        debugfs = Optional.of(mountPoint.resolve("tracing"));
      }
    }
    return debugfs;
  }

  /** The pipe being read. */
  public Path path() {
    return path;
  }

  /**
   * The next line, waiting at most {@code timeout} for one; empty when none came in time.
   *
   * @throws UncheckedIOException if reading fails
   */
  public Optional<Line> next(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pending.isEmpty()) {
      if (!readAvailable() && System.nanoTime() - deadline >= 0) {
        return Optional.empty();
      }
      if (pending.isEmpty()) {
        sleepBriefly();
      }
    }
    return Optional.of(parse(pending.poll()));
  }

  /**
   * The first line that {@code wanted} accepts, waiting at most {@code timeout}; the lines before
   * it are consumed and dropped.
   */
  public Optional<Line> await(Predicate<Line> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Optional<Line> line = next(Duration.ofNanos(Math.max(left, 0)));
      if (line.isEmpty() || wanted.test(line.get())) {
        return line;
      }
    }
  }

  /** Every line that arrives within {@code duration} and that {@code wanted} accepts. */
  public List<Line> collect(Predicate<Line> wanted, Duration duration) {
    List<Line> lines = new ArrayList<>();
    long deadline = System.nanoTime() + duration.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return lines;
      }
      next(Duration.ofNanos(left)).filter(wanted).ifPresent(lines::add);
    }
  }

  /** Closes the pipe. Idempotent. */
  @Override
  public void close() {
    fd.close();
  }

  /** Parses one line of the trace; a line of another shape keeps its whole text as the message. */
  public static Line parse(String raw) {
    Matcher m = LINE.matcher(raw);
    if (!m.matches()) {
      return new Line(raw, "", 0, raw);
    }
    return new Line(raw, m.group(1).trim(), Integer.parseInt(m.group(2)), m.group(4));
  }

  /** Reads what the pipe has now into {@link #pending}; returns whether anything came. */
  private boolean readAvailable() {
    byte[] buf = new byte[8192];
    int value = fd.acquire();
    try {
      long n = LibC.INSTANCE.read(value, buf, buf.length);
      if (n < 0) {
        int errno = Native.getLastError();
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
          return false;
        }
        throw new UncheckedIOException(
            new IOException("reading " + path + " failed: " + Errno.name(errno)));
      }
      if (n == 0) {
        return false;
      }
      partial.append(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
    } finally {
      fd.release();
    }
    int newline;
    while ((newline = partial.indexOf("\n")) >= 0) {
      pending.add(partial.substring(0, newline));
      partial.delete(0, newline + 1);
    }
    return true;
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(POLL_NANOS / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the trace", e);
    }
  }

  /** mountinfo escapes space, tab, newline and backslash as octal {@code \ooo}. */
  private static String unescape(String field) {
    Matcher m = Pattern.compile("\\\\([0-7]{3})").matcher(field);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 8))));
    }
    m.appendTail(out);
    return out.toString();
  }
}
