package io.sockmap4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.runtime.KernelObjects;
import io.sockmap4j.runtime.Sockets;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The benchmark in a tiny mode, through every topology: every workload moves bytes that arrive
 * byte-exact ({@code --verify}: the echo compared in full, the sink checked against the pattern),
 * nothing stalls or is refused, and the table, JSON and SVG are written. Nothing about speed is
 * asserted: this machine's numbers mean nothing.
 */
class BenchTest {
  private static final Path C_SOURCE = Path.of("../bench/dataplane/c/inserts.c");
  private static final Path SPLICE_C = Path.of("../bench/codegen/c/Splice.c");

  @KernelTest
  void everyTopologyMovesExactBytesAndTheReportIsWritten(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("results.json");
    Path svg = dir.resolve("results.svg");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--sizes",
                "1000",
                "--connections",
                "2",
                "--bulk-sizes",
                "5000",
                "--bulk-connections",
                "2",
                "--runs",
                "1",
                "--warmup-ms",
                "50",
                "--measure-ms",
                "200",
                "--threads",
                "2",
                "--insert-sockets",
                "16",
                "--insert-warmup",
                "64",
                "--attach-times",
                "2",
                "--verify",
                "--json",
                json.toString(),
                "--svg",
                svg.toString()));
    Path c = buildC(dir);
    if (c != null) {
      args.addAll(List.of("--c-inserts", c.toString()));
    }
    Bench bench = new Bench();
    int exit = new CommandLine(bench).execute(args.toArray(String[]::new));
    Report report = bench.report;

    for (String workload : List.of("rr", "bulk", "churn")) {
      for (String topology : withoutClang()) {
        Row row = find(report, workload, topology);
        assertEquals(0, row.errors(), workload + " through " + topology + ": errors");
        assertTrue(
            row.runs().get(0).units() > 0, workload + " through " + topology + ": nothing moved");
      }
    }
    assertEquals(0, exit, "the run reported errors");
    for (String topology : withoutClang()) {
      // the kernel's own count of the per-message programs, read around every run
      double nanos = find(report, "rr", topology).of(Measurement::programNanos).median();
      if (List.of("direct", "nio-proxy", "loopback").contains(topology)) {
        assertTrue(Double.isNaN(nanos), topology + " has no program but ran " + nanos + " ns");
      } else {
        assertTrue(nanos > 0 && nanos < 1e6, topology + ": program run time " + nanos + " ns");
      }
    }
    for (String form :
        List.of(
            "java put(int, int fd)",
            "java put(int, SocketChannel)",
            "java putIfAbsent(int, SocketChannel)")) {
      assertTrue(find(report, "inserts", form).value().median() > 0, form);
    }
    if (c != null) {
      assertTrue(find(report, "inserts", "c update+kick").value().median() > 0);
      assertFalse(
          Double.isNaN(
              report.ratio(find(report, "inserts", "java put(int, int fd)"), "c update+kick")));
    }
    assertEquals(2, find(report, "attach", "EchoLoader.attach()").values().size());

    String table = report.table();
    for (String topology : withoutClang()) {
      assertTrue(table.contains(topology), table);
    }
    assertTrue(
        report.rows.stream().noneMatch(r -> r.variant().equals(Topology.SPLICE_CLANG)),
        "splice-clang ran without --clang-splice");
    assertTrue(table.contains("note: splice-clang skipped: no clang build"), table);
    if (BenchCgroup.mount().isEmpty()) {
      assertTrue(table.contains("note: sockops-bypass skipped: no cgroup2"), table);
    }
    assertTrue(table.contains("us per insert"), table);
    assertTrue(table.contains("rr 1000B x2"), table);
    assertTrue(table.contains("goal"), table);
    String kernel = System.getProperty("os.version");
    String written = Files.readString(json);
    assertTrue(written.startsWith("{") && written.trim().endsWith("}"), written);
    assertTrue(written.contains("\"kernel\": \"" + kernel + "\""), written);
    assertEquals(count(written, '{'), count(written, '}'), "unbalanced JSON braces");
    assertEquals(count(written, '['), count(written, ']'), "unbalanced JSON brackets");
    assertFalse(written.contains("NaN") || written.contains("Infinity"), written);
    String chart = Files.readString(svg);
    assertTrue(chart.startsWith("<svg") && chart.trim().endsWith("</svg>"), chart);
    assertTrue(chart.contains(kernel) && chart.contains(report.cores + " cores"), chart);
    assertTrue(chart.contains(">splice-parser<") && chart.contains(">bypass<"), chart);
    if (BenchCgroup.mount().isPresent()) {
      assertTrue(chart.contains(">sockops-bypass<"), chart);
    }

    assertFreed(bench);
  }

  /**
   * splice-clang: the same proxy over clang's build of {@code Splice.c}, pinned by bpftool and
   * opened through {@code SpliceLoader.openPinned}. Moves exact bytes like {@code splice}, the
   * report compares the two, and no program, map or pin is left behind.
   */
  @KernelTest
  void theClangTwinRunsTheSameProxyAndIsComparedWithTheGeneratedProgram(@TempDir Path dir)
      throws Exception {
    boolean tools = onPath("clang") && onPath("bpftool");
    if (!tools) {
      System.out.println("BenchTest: splice-clang not checked: no clang or no bpftool on PATH");
    }
    assumeTrue(tools, "no clang or no bpftool on PATH");
    Path object = buildClangSplice(dir);
    Bench bench = new Bench();
    int exit =
        new CommandLine(bench)
            .execute(
                "--only",
                "rr,bulk,churn",
                "--topologies",
                "splice,splice-clang",
                "--sizes",
                "1000",
                "--connections",
                "2",
                "--bulk-sizes",
                "5000",
                "--bulk-connections",
                "2",
                "--runs",
                "2",
                "--warmup-ms",
                "50",
                "--measure-ms",
                "150",
                "--threads",
                "2",
                "--verify",
                "--clang-splice",
                object.toString());
    Report report = bench.report;

    for (String workload : List.of("rr", "bulk", "churn")) {
      Row row = find(report, workload, Topology.SPLICE_CLANG);
      assertEquals(0, row.errors(), workload + " through splice-clang: errors");
      assertTrue(
          row.runs().stream().allMatch(m -> m.units() > 0),
          workload + " through splice-clang: nothing moved");
    }
    assertEquals(0, exit, "the run reported errors");
    String table = report.table();
    for (String goal :
        List.of(
            "rr 1000B x2 splice vs splice-clang tx/s within 2%",
            "rr 1000B x2 splice vs splice-clang p99 within 2%",
            "rr 1000B x2 splice vs splice-clang program ns per run within 2%",
            "bulk 5000B x2 splice vs splice-clang Gbit/s within 2%")) {
      assertTrue(report.goals().stream().anyMatch(g -> g.text().equals(goal)), table);
    }
    assertFalse(
        report.goals().stream().anyMatch(g -> g.text().contains("splice-clang tx/s vs nio-proxy")),
        "the C reference is not one of the issue's proxy goals");
    assertFreed(bench);
    try (var pins = Files.list(Path.of("/sys/fs/bpf"))) {
      // only this JVM's pins: a benchmark killed elsewhere may have left its own behind
      String mine = "-" + ProcessHandle.current().pid();
      List<Path> left =
          pins.filter(p -> p.getFileName().toString().startsWith("sm4j-bench"))
              .filter(p -> p.getFileName().toString().endsWith(mine))
              .toList();
      assertTrue(left.isEmpty(), "pins left behind: " + left);
    }
  }

  /**
   * sockops-bypass on its own, connection by connection: a connection made inside the topology's
   * cgroup has both ends inserted by the sock_ops program with no Java put, and its echoed bytes
   * cross no TCP (neither the client's {@code bytes_acked} nor its {@code bytes_received} moves).
   * The check can fail: a connection made outside the cgroup goes over TCP and is reported as two
   * problems (two sockets the program did not insert); and another topology's connection made
   * inside the cgroup is left alone (the program filters on its own listening port). At the end the
   * JVM is back in its own cgroup, the benchmark's cgroup is gone and so are the programs.
   */
  @KernelTest
  void sockOpsBypassInsertsItsOwnConnectionsOnlyAndTheirBytesSkipTcp() throws Exception {
    assumeTrue(BenchCgroup.mount().isPresent(), "no cgroup2 file system is mounted");
    String home = ownCgroup();
    List<KernelCleanup.Ids> loaded = new ArrayList<>();
    Path cgroup;
    try (EchoBackend backend = new EchoBackend(1, true);
        Topology loopback = Topology.start("loopback", backend, 1, o -> {}, null);
        Topology bypass =
            Topology.start(
                Topology.SOCKOPS_BYPASS,
                backend,
                1,
                o -> loaded.add(KernelCleanup.Ids.of(o)),
                null)) {
      assertEquals(home, ownCgroup(), "the JVM is back in its cgroup after start");
      assertEquals(1, loaded.size(), "one object loaded and reported");
      assertEquals(0, bypass.problems());

      try (var inside = bypass.enter();
          SocketChannel client = bypass.connect();
          SocketChannel other = loopback.connect()) {
        String bench = ownCgroup();
        assertTrue(
            bench.equals(
                (home.equals("/") ? "" : home)
                    + "/sockmap4j-bench-"
                    + ProcessHandle.current().pid()),
            bench);
        cgroup = BenchCgroup.mount().orElseThrow().resolve(bench.substring(1));
        assertEquals(0, bypass.problems(), "both ends inserted by the sock_ops program");
        long acked = Sockets.bytesAcked(Sockets.fd(client));
        long received = Sockets.bytesReceived(Sockets.fd(client));
        startEcho(client);
        for (int size : new int[] {1, 1000, 60_000}) {
          echo(client, size);
        }
        assertEquals(acked, Sockets.bytesAcked(Sockets.fd(client)), "bytes sent over TCP");
        assertEquals(received, Sockets.bytesReceived(Sockets.fd(client)), "bytes got over TCP");
        long otherAcked = Sockets.bytesAcked(Sockets.fd(other));
        startEcho(other);
        echo(other, 1000);
        assertEquals(0, bypass.problems(), "the loopback connection was inserted");
        awaitAcked(other, otherAcked + 1001, "the loopback connection goes over TCP");
      }
      assertEquals(home, ownCgroup(), "the JVM is back in its cgroup after the run");

      try (SocketChannel outside = bypass.connect()) {
        long acked = Sockets.bytesAcked(Sockets.fd(outside));
        startEcho(outside);
        echo(outside, 1000);
        // the accepted end is in the cgroup (its listener is) and inserted, the client is not:
        // one socket missing, and the server's answer sent over TCP for want of a peer
        long problems = bypass.problems();
        assertTrue(problems >= 2, "a connection made outside the cgroup: " + problems);
        awaitAcked(outside, acked + 1001, "TCP carried the connection made outside");
      }
    }
    assertEquals(home, ownCgroup(), "the JVM is back in its cgroup");
    assertFalse(Files.exists(cgroup), "the benchmark's cgroup " + cgroup + " is removed");
    KernelCleanup.assertFreed(loaded.get(0));
  }

  /** This JVM's cgroup v2 path, from /proc/self/cgroup. */
  private static String ownCgroup() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
        .filter(line -> line.startsWith("0::"))
        .map(line -> line.substring(3))
        .findFirst()
        .orElseThrow();
  }

  /** Makes the backend's end of the connection an echo. */
  private static void startEcho(SocketChannel channel) throws IOException {
    channel.write(ByteBuffer.wrap(new byte[] {Wire.ECHO}));
  }

  /** Sends {@code size} bytes and checks that the same bytes come back. */
  private static void echo(SocketChannel channel, int size) throws IOException {
    byte[] message = new byte[size];
    for (int i = 0; i < size; i++) {
      message[i] = (byte) (i * 31 + size);
    }
    ByteBuffer request = ByteBuffer.wrap(message);
    while (request.hasRemaining()) {
      channel.write(request);
    }
    ByteBuffer response = ByteBuffer.allocate(size);
    while (response.hasRemaining()) {
      if (channel.read(response) < 0) {
        throw new IOException("end of stream after " + response.position() + " bytes");
      }
    }
    assertArrayEquals(message, response.array(), "echo of " + size + " bytes");
  }

  /** Waits up to 2 s for the connection's {@code bytes_acked} to reach {@code expected}. */
  private static void awaitAcked(SocketChannel channel, long expected, String what)
      throws Exception {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (Sockets.bytesAcked(Sockets.fd(channel)) < expected && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertEquals(expected, Sockets.bytesAcked(Sockets.fd(channel)), what);
  }

  private static List<String> withoutClang() throws IOException {
    List<String> names = new ArrayList<>(Topology.NAMES);
    names.remove(Topology.SPLICE_CLANG);
    if (BenchCgroup.mount().isEmpty()) {
      names.remove(Topology.SOCKOPS_BYPASS); // skipped with a note, checked above
    }
    return names;
  }

  private static boolean onPath(String command) throws Exception {
    Process which = new ProcessBuilder("sh", "-c", "command -v " + command).start();
    return which.waitFor(10, TimeUnit.SECONDS) && which.exitValue() == 0;
  }

  /** {@code Splice.c} built as {@code bench/dataplane/run.sh} builds it. */
  private static Path buildClangSplice(Path dir) throws Exception {
    Process print = new ProcessBuilder("clang", "-print-multiarch").start();
    String multiarch = new String(print.getInputStream().readAllBytes()).trim();
    assertTrue(print.waitFor(10, TimeUnit.SECONDS));
    if (multiarch.isEmpty()) {
      multiarch = System.getProperty("os.arch").replace("amd64", "x86_64") + "-linux-gnu";
    }
    Path object = dir.resolve("Splice.clang.o");
    Process clang =
        new ProcessBuilder(
                "clang",
                "-O2",
                "-g",
                "-target",
                "bpf",
                "-I/usr/include/" + multiarch,
                "-Wall",
                "-Werror",
                "-c",
                SPLICE_C.toString(),
                "-o",
                object.toString())
            .inheritIO()
            .start();
    assertTrue(clang.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, clang.exitValue(), "clang failed on " + SPLICE_C);
    return object;
  }

  private static Row find(Report report, String workload, String variant) {
    return report.rows.stream()
        .filter(r -> r.workload().equals(workload) && r.variant().equals(variant))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + workload + " " + variant));
  }

  private static long count(String text, char c) {
    return text.chars().filter(x -> x == c).count();
  }

  /** The C insert program, when gcc is here; null (and the C rows unchecked) when it is not. */
  private static Path buildC(Path dir) throws Exception {
    Path binary = dir.resolve("inserts");
    try {
      Process gcc =
          new ProcessBuilder("gcc", "-O2", "-o", binary.toString(), C_SOURCE.toString())
              .inheritIO()
              .start();
      assertTrue(gcc.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, gcc.exitValue(), "gcc failed on " + C_SOURCE);
      return binary;
    } catch (java.io.IOException noGcc) {
      System.out.println("BenchTest: no gcc, the C insert reference is not checked: " + noGcc);
      return null;
    }
  }

  /** Every program and map the run loaded is gone (the kernel frees them after RCU). */
  private static void assertFreed(Bench bench) throws InterruptedException {
    assertFalse(bench.programIds.isEmpty(), "no program ids were recorded");
    long deadline = System.nanoTime() + 2_000_000_000L;
    List<Integer> left = leftovers(bench);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
      left = leftovers(bench);
    }
    assertTrue(left.isEmpty(), "still loaded after the run: " + left);
  }

  private static List<Integer> leftovers(Bench bench) {
    List<Integer> left = new ArrayList<>();
    bench.programIds.stream().filter(KernelObjects::programExists).forEach(left::add);
    bench.mapIds.stream().filter(KernelObjects::mapExists).forEach(left::add);
    return left;
  }
}
