package io.sockmap4j.runtime.internal;

import com.sun.jna.Memory;

/**
 * Program run statistics: {@code BPF_ENABLE_STATS} and the counters of {@code bpf_prog_info}.
 *
 * <pre>
 * enable_stats attr:  0 type (BPF_STATS_RUN_TIME = 0)
 * bpf_prog_info:      0 type  4 id  ...  192 run_time_ns (u64)  200 run_cnt (u64)
 *                   208 recursion_misses (u64)
 * </pre>
 *
 * <p>The kernel counts runs and run time only while statistics are enabled (since 5.8, through an
 * fd from {@code BPF_ENABLE_STATS} or the {@code kernel.bpf_stats_enabled} sysctl).
 */
public final class BpfRunStats {

  /** {@code BPF_STATS_RUN_TIME}. */
  static final int STATS_RUN_TIME = 0;

  private static final int PROG_INFO_LEN = 216;

  private BpfRunStats() {}

  /** A program's counters. */
  public record RunCounters(int id, long runCount, long runTimeNanos, long recursionMisses) {}

  /** {@code BPF_ENABLE_STATS} for run time: returns the fd that keeps statistics enabled. */
  public static int enableRunTimeStats() {
    Memory attr = Bpf.attr();
    attr.setInt(0, STATS_RUN_TIME);
    return (int) Bpf.require(BpfCommand.ENABLE_STATS, "run time statistics", attr);
  }

  /** The run counters of the program behind {@code progFd}. */
  public static RunCounters counters(int progFd) {
    Memory info = Bpf.objInfo(progFd, PROG_INFO_LEN);
    return new RunCounters(info.getInt(4), info.getLong(200), info.getLong(192), info.getLong(208));
  }
}
