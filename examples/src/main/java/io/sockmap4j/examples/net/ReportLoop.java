package io.sockmap4j.examples.net;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The main loop of the example command lines: run, print counters now and then, stop. */
public final class ReportLoop {
  private ReportLoop() {}

  /**
   * Waits until {@code seconds} have passed (forever when 0) or {@code stopped} is counted down (by
   * a Ctrl-C hook), running {@code report} every {@code interval} seconds (never when 0).
   *
   * @return true if {@code stopped} ended the wait, false if the time ran out
   */
  public static boolean run(CountDownLatch stopped, long seconds, long interval, Runnable report)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long reportEvery = interval > 0 ? TimeUnit.SECONDS.toMillis(interval) : Long.MAX_VALUE;
    while (true) {
      long wait = reportEvery;
      if (seconds > 0) {
        long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        wait = Math.min(wait, left);
      }
      if (stopped.await(wait, TimeUnit.MILLISECONDS)) {
        return true;
      }
      if (wait == reportEvery) {
        report.run();
      }
    }
  }
}
