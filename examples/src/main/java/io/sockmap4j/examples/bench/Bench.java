package io.sockmap4j.examples.bench;

import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.BpfStats;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The data-path benchmark: sockmap4j's kernel proxy and bypass against a direct connection, a
 * well-tuned Java NIO proxy and a plain loopback connection, all measured in the same run, plus the
 * control plane (socket inserts from Java against C, a Loader's {@code attach()} time). Run it with
 * {@code bench/dataplane/run.sh}; the method is in {@code docs/BENCHMARKS.md}.
 *
 * <p>Every cell is measured {@code --runs} times, the topologies interleaved (one run of each, then
 * the next round, every other round in reverse order), so that a burst of noise from other
 * processes hits them all rather than one, and no topology always follows the same neighbour.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "sockmap4j data-path benchmark (root: loads BPF programs).")
public final class Bench implements Callable<Integer> {
  private static final long MAX_BUFFERED_BYTES = 128L << 20;

  @Option(names = "--quick", description = "A few minutes (the default).")
  boolean quick;

  @Option(
      names = "--full",
      description = "All sizes and connection counts; about 40 minutes on 2 cores.")
  boolean full;

  @Option(names = "--only", split = ",", description = "Workloads: rr,bulk,churn,inserts,attach.")
  List<String> only = List.of("rr", "bulk", "churn", "inserts", "attach");

  @Option(names = "--topologies", split = ",", description = "Default: all of ${DEFAULT-VALUE}.")
  List<String> topologies = Topology.NAMES;

  @Option(names = "--sizes", split = ",", description = "Request/response message sizes, bytes.")
  List<Integer> sizes;

  @Option(names = "--connections", split = ",", description = "Request/response connections.")
  List<Integer> connections;

  @Option(names = "--bulk-sizes", split = ",", description = "Bulk write sizes, bytes.")
  List<Integer> bulkSizes;

  @Option(names = "--bulk-connections", split = ",", description = "Bulk connections.")
  List<Integer> bulkConnections;

  @Option(names = "--runs", description = "Repetitions of each cell.")
  Integer runs;

  @Option(names = "--warmup-ms", description = "Warm-up of each run.")
  Long warmupMillis;

  @Option(names = "--measure-ms", description = "Measured time of each run.")
  Long measureMillis;

  @Option(names = "--threads", description = "Client, proxy and backend threads (default: cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--insert-sockets", description = "Sockets per insert round.")
  Integer insertSockets;

  @Option(
      names = "--insert-warmup",
      description = "Untimed inserts per Java form before measuring (JIT).")
  Integer insertWarmup;

  @Option(names = "--attach-times", description = "attach() calls to time.")
  Integer attachTimes;

  @Option(names = "--c-inserts", description = "The built C insert program (run.sh passes it).")
  Path cInserts;

  @Option(
      names = "--clang-splice",
      description = "The clang build of bench/codegen/c/Splice.c, for splice-clang (run.sh).")
  Path clangSplice;

  @Option(
      names = "--codegen",
      description =
          "A directory with bench/codegen's results.json and compile-time.json (bench/run.sh"
              + " passes it), added to the table.")
  Path codegen;

  @Option(names = "--verify", description = "Compare every byte (slower; for tests).")
  boolean verify;

  @Option(names = "--json", description = "Write the results as JSON here.")
  Path json;

  @Option(names = "--svg", description = "Write a chart of the ratios here.")
  Path svg;

  private PrintStream progress = System.err;

  /** Kernel ids of every program and map the run loaded, for checking that all were freed. */
  final Set<Integer> programIds = ConcurrentHashMap.newKeySet();

  final Set<Integer> mapIds = ConcurrentHashMap.newKeySet();

  /** The report of the last {@link #call()}. */
  Report report;

  private void loaded(BpfObject object) {
    programIds.addAll(object.programIds());
    mapIds.addAll(object.mapIds());
  }

  /** Runs the benchmark and returns the report (also printed and written as asked). */
  Report run() throws Exception {
    if (quick && full) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "choose --quick or --full, not both");
    }
    applyMode();
    int cores = Runtime.getRuntime().availableProcessors();
    Report results =
        new Report(
            System.getProperty("os.version"),
            cores,
            full ? "full" : "quick",
            runs,
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    Timing timing = new Timing(warmupMillis, measureMillis);
    if (only.contains("rr") || only.contains("bulk") || only.contains("churn")) {
      dataPath(results, timing);
    }
    if (only.contains("inserts")) {
      progress.println(
          "inserts: "
              + insertSockets
              + " sockets x "
              + runs
              + " rounds, after "
              + insertWarmup
              + " untimed inserts per Java form");
      controlRows(
          results,
          "inserts",
          "inserts/s",
          ControlPlane.inserts(insertSockets, runs, insertWarmup, cInserts, this::loaded),
          cInserts == null ? null : "c update+kick",
          true);
    }
    if (only.contains("attach")) {
      progress.println("attach: EchoLoader x " + attachTimes);
      controlRows(
          results, "attach", "ms", ControlPlane.attach(attachTimes, this::loaded), null, false);
    }
    if (codegen != null) {
      CodegenResults.addTo(results, codegen);
    }
    return results;
  }

  private void applyMode() {
    if (full) {
      sizes = orElse(sizes, List.of(64, 4096, 16384, 65536, 1 << 20));
      connections = orElse(connections, List.of(1, 10, 100, 1000));
      bulkSizes = orElse(bulkSizes, List.of(4096, 65536, 1 << 20));
      bulkConnections = orElse(bulkConnections, List.of(1, 10));
      runs = orElse(runs, 5);
      warmupMillis = orElse(warmupMillis, 500L);
      measureMillis = orElse(measureMillis, 1500L);
      insertSockets = orElse(insertSockets, 4096);
      insertWarmup = orElse(insertWarmup, 50_000);
      attachTimes = orElse(attachTimes, 50);
    } else {
      sizes = orElse(sizes, List.of(64, 4096, 16384));
      connections = orElse(connections, List.of(1, 32));
      bulkSizes = orElse(bulkSizes, List.of(65536));
      bulkConnections = orElse(bulkConnections, List.of(1));
      runs = orElse(runs, 3);
      warmupMillis = orElse(warmupMillis, 300L);
      measureMillis = orElse(measureMillis, 1000L);
      insertSockets = orElse(insertSockets, 1000);
      insertWarmup = orElse(insertWarmup, 20_000);
      attachTimes = orElse(attachTimes, 20);
    }
  }

  private static <T> T orElse(T value, T otherwise) {
    return value != null ? value : otherwise;
  }

  /**
   * Turns the kernel's program run-time statistics on for the data path, or says in the report why
   * the programs' run times are missing. Counting adds two clock reads to every program run.
   */
  private BpfStats programStatistics(Report report) {
    try {
      return BpfStats.enable();
    } catch (BpfException e) {
      String note = "program run times not measured: " + e.getMessage();
      progress.println(note);
      report.note(note);
      return null;
    }
  }

  /** Starts every topology once, runs each workload cell over all of them, closes them. */
  private void dataPath(Report report, Timing timing) throws Exception {
    try (EchoBackend backend = new EchoBackend(threads, verify);
        BpfStats statistics = programStatistics(report)) {
      List<Topology> started = new ArrayList<>();
      try {
        for (String name : topologies) {
          if (name.equals(Topology.SPLICE_CLANG) && clangSplice == null) {
            String note =
                Topology.SPLICE_CLANG
                    + " skipped: no clang build of bench/codegen/c/Splice.c (--clang-splice;"
                    + " run.sh builds it when clang is installed)";
            progress.println(note);
            report.note(note);
            continue;
          }
          if (name.equals(Topology.SOCKOPS_BYPASS) && BenchCgroup.mount().isEmpty()) {
            String note =
                Topology.SOCKOPS_BYPASS
                    + " skipped: no cgroup2 file system is mounted (its sock_ops program attaches"
                    + " to a cgroup; 'mount -t cgroup2 none /sys/fs/cgroup')";
            progress.println(note);
            report.note(note);
            continue;
          }
          started.add(Topology.start(name, backend, threads, this::loaded, clangSplice));
        }
        warmUp(started, timing);
        if (only.contains("rr")) {
          for (int size : sizes) {
            for (int n : connections) {
              if ((long) size * n * 2 > MAX_BUFFERED_BYTES) {
                progress.printf("rr %s x%d skipped: buffers over 128 MiB%n", Report.bytes(size), n);
                continue;
              }
              cell(
                  report,
                  "rr",
                  size,
                  n,
                  "tx/s",
                  started,
                  t -> RequestResponse.run(t, size, n, threads, timing, verify));
            }
          }
        }
        if (only.contains("bulk")) {
          for (int size : bulkSizes) {
            for (int n : bulkConnections) {
              cell(
                  report,
                  "bulk",
                  size,
                  n,
                  "Gbit/s",
                  started,
                  t -> BulkStream.run(t, backend, size, n, threads, timing, verify));
            }
          }
        }
        if (only.contains("churn")) {
          cell(report, "churn", 64, 0, "conn/s", started, t -> Churn.run(t, 64, threads, timing));
        }
      } finally {
        for (Topology topology : started) {
          topology.close();
        }
      }
    }
  }

  /**
   * One untimed request/response run through every topology first, so that the first cell measured
   * is not the one that pays for class loading and JIT compilation.
   */
  private void warmUp(List<Topology> started, Timing timing) throws Exception {
    Timing warmUp = new Timing(0, Math.max(timing.warmupMillis(), 200));
    for (Topology topology : started) {
      try (var inside = topology.enter()) {
        RequestResponse.run(topology, 64, 1, 1, warmUp, verify);
      }
    }
  }

  private interface Run {
    Measurement on(Topology topology) throws Exception;
  }

  private void cell(
      Report report,
      String workload,
      int size,
      int connections,
      String unit,
      List<Topology> started,
      Run run)
      throws Exception {
    Map<Topology, List<Measurement>> results = new LinkedHashMap<>();
    for (Topology topology : started) {
      results.put(topology, new ArrayList<>());
    }
    for (int round = 1; round <= runs; round++) {
      // Every other round in reverse, so that no topology always runs right after another.
      List<Topology> order = new ArrayList<>(started);
      if (round % 2 == 0) {
        Collections.reverse(order);
      }
      for (Topology topology : order) {
        Measurement m;
        try (var inside = topology.enter()) {
          Topology.ProgramRuns before = topology.programRuns();
          m = run.on(topology).checked();
          m = m.withProgramNanos(topology.programRuns().minus(before).nanosPerRun());
        }
        results.get(topology).add(m);
        progress.printf(
            "%s %s x%d run %d/%d %-13s %s %s%s%n",
            workload,
            Report.bytes(size),
            connections,
            round,
            runs,
            topology.name,
            Report.number(m.value()),
            unit,
            (m.errors() == 0 ? "" : m.units() == 0 ? "  STALLED" : "  ERRORS " + m.errors())
                + (m.memoryRefusals() == 0
                    ? ""
                    : "  (" + m.memoryRefusals() + " writes refused with ENOMEM, retried)"));
        Thread.sleep(50); // let the closed connections go before the next run
      }
    }
    results.forEach(
        (topology, measured) ->
            report.add(Row.measured(workload, size, connections, topology, unit, measured)));
  }

  private static void controlRows(
      Report report,
      String workload,
      String unit,
      Map<String, List<Double>> values,
      String baseline,
      boolean higherIsBetter) {
    values.forEach(
        (variant, v) ->
            report.add(
                new Row(workload, 0, 0, variant, unit, v, List.of(), baseline, higherIsBetter)));
  }

  @Override
  public Integer call() throws Exception {
    report = run();
    System.out.print(report.table());
    if (json != null) {
      Files.writeString(json, report.json());
      System.out.println("wrote " + json);
    }
    if (svg != null) {
      Files.writeString(svg, SvgChart.render(report));
      System.out.println("wrote " + svg);
    }
    long errors = report.rows.stream().mapToLong(Row::errors).sum();
    if (errors > 0) {
      System.out.println(
          "ERRORS: "
              + errors
              + " broken connections, wrong answers or refused pairs; the numbers of the rows"
              + " with errors are not trustworthy");
      return 3;
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }
}
