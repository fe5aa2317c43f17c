package io.sockmap4j.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

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

  /** One reading. */
  record Reading(long nanos, long machineBusyTicks, long proxyThreadNanos) {}

  private CpuMeter() {}

  /** Reads now; {@code threadPrefix} null means there are no proxy threads to count. */
  static Reading read(String threadPrefix) {
    return new Reading(System.nanoTime(), machineBusyTicks(), threadNanos(threadPrefix));
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

  private static long machineBusyTicks() {
    try {
      String cpu = Files.readAllLines(PROC_STAT).get(0); // "cpu  user nice system idle ..."
      String[] f = cpu.trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
        busy += Long.parseLong(f[i]);
      }
      return busy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + PROC_STAT, e);
    }
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
