package io.sockmap4j.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time, counted two ways, because the two proxies spend it in different places.
 *
 * <ul>
 *   <li><b>Machine</b>: busy time of all cores from {@code /proc/stat} (user, nice, system, irq,
 *       softirq, steal; in USER_HZ ticks of 10 ms). This is the honest total: the kernel's splicing
 *       runs in softirq or in the context of whichever thread sent the bytes (a client, the
 *       backend), and is counted only here. On a shared machine it also counts everyone else.
 *   <li><b>Proxy threads</b>: user + system time of the JVM threads whose names start with the
 *       proxy's prefix ({@link ThreadMXBean}). For the Java proxy this is the proxy's whole cost;
 *       for the kernel proxy it is only its Java side (accepting, inserting, ending pairs).
 * </ul>
 */
final class CpuMeter {
  private static final Path PROC_STAT = Path.of("/proc/stat");
  private static final double SECONDS_PER_TICK = 0.01;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * One reading.
   *
   * @param contextSwitches the machine's context switches since boot ({@code ctxt} in {@code
   *     /proc/stat}): every thread wake-up, including the kworker that sends an SK_SKB egress
   *     redirect, costs one
   */
  record Reading(long nanos, long machineBusyTicks, long proxyThreadNanos, long contextSwitches) {}

  private CpuMeter() {}

  /** Reads now; {@code threadPrefix} null means there are no proxy threads to count. */
  static Reading read(String threadPrefix) {
    List<String> stat = procStat();
    return new Reading(
        System.nanoTime(),
        machineBusyTicks(stat),
        threadNanos(threadPrefix),
        contextSwitches(stat));
  }

  /** Machine CPU seconds between two readings. */
  static double machineSeconds(Reading from, Reading to) {
    return (to.machineBusyTicks() - from.machineBusyTicks()) * SECONDS_PER_TICK;
  }

  /** Proxy-thread CPU seconds between two readings; NaN when there are no proxy threads. */
  static double proxySeconds(Reading from, Reading to) {
    if (from.proxyThreadNanos() < 0 || to.proxyThreadNanos() < 0) {
      return Double.NaN;
    }
    return (to.proxyThreadNanos() - from.proxyThreadNanos()) / 1e9;
  }

  /** The machine's context switches between two readings. */
  static long contextSwitches(Reading from, Reading to) {
    return to.contextSwitches() - from.contextSwitches();
  }

  private static List<String> procStat() {
    try {
      return Files.readAllLines(PROC_STAT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + PROC_STAT, e);
    }
  }

  private static long machineBusyTicks(List<String> stat) {
    String[] f = stat.get(0).trim().split("\\s+"); // "cpu  user nice system idle ..."
    long busy = 0;
    for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
      busy += Long.parseLong(f[i]);
    }
    return busy;
  }

  private static long contextSwitches(List<String> stat) {
    for (String line : stat) {
      if (line.startsWith("ctxt ")) {
        return Long.parseLong(line.substring(5).trim());
      }
    }
    throw new IllegalStateException("no ctxt line in " + PROC_STAT);
  }

  private static long threadNanos(String prefix) {
    if (prefix == null) {
      return -1;
    }
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(prefix)) {
        long nanos = THREADS.getThreadCpuTime(info.getThreadId());
        if (nanos > 0) {
          total += nanos;
        }
      }
    }
    return total;
  }
}
