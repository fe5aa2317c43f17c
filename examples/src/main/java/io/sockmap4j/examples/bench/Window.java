package io.sockmap4j.examples.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * The time frame of one run: load starts now, is measured from {@code start} (after the warm-up) to
 * {@code end}, and stops at {@code end}. Client threads decide by these deadlines which
 * transactions count; the benchmark thread reads CPU and counters at exactly {@code start} and
 * {@code end}.
 */
record Window(long start, long end) {
  static Window after(long warmupMillis, long measureMillis) {
    long start = System.nanoTime() + warmupMillis * 1_000_000;
    return new Window(start, start + measureMillis * 1_000_000);
  }

  double seconds() {
    return (end - start) / 1e9;
  }

  boolean over() {
    return System.nanoTime() >= end;
  }

  static void sleepUntil(long deadline) {
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
    }
  }
}
