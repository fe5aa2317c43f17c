package io.sockmap4j.runtime;

/**
 * A program's run statistics as the kernel keeps them ({@code bpf_prog_info}). The kernel counts
 * only while statistics are enabled ({@link BpfStats#enable()} or the {@code
 * kernel.bpf_stats_enabled} sysctl, Linux 5.8+); otherwise the counters stay where they were.
 *
 * @param program the program's name in Java
 * @param id the program's kernel id
 * @param runCount how many times the program ran
 * @param runTimeNanos the total time it ran
 * @param recursionMisses runs skipped because the program was already running on the CPU
 */
public record ProgramStats(
    String program, int id, long runCount, long runTimeNanos, long recursionMisses) {

  /** The mean run time, or 0 before the first counted run. */
  public double meanRunNanos() {
    return runCount == 0 ? 0 : (double) runTimeNanos / runCount;
  }
}
