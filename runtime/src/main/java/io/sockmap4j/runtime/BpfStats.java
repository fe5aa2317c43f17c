package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.BpfRunStats;
import io.sockmap4j.runtime.internal.OwnedFd;

/**
 * Keeps the kernel's program run statistics on ({@code BPF_ENABLE_STATS}, Linux 5.8+) for as long
 * as it is open. Counting costs a little on every program run, which is why the kernel does it only
 * on request; while any process holds one of these (or the {@code kernel.bpf_stats_enabled} sysctl
 * is 1), {@link BpfObject#programStats} advances.
 *
 * <pre>{@code
 * try (BpfStats on = BpfStats.enable()) {
 *   ... traffic ...
 *   ProgramStats stats = object.programStats("verdict");
 * }
 * }</pre>
 */
public final class BpfStats implements AutoCloseable {

  private final OwnedFd fd;

  private BpfStats(OwnedFd fd) {
    this.fd = fd;
  }

  /**
   * Turns run-time statistics on until {@link #close()}.
   *
   * @throws BpfException if the kernel refuses (EINVAL before 5.8; EPERM without CAP_SYS_ADMIN)
   */
  public static BpfStats enable() {
    return new BpfStats(new OwnedFd(BpfRunStats.enableRunTimeStats(), "BPF statistics"));
  }

  /** Releases this request; counting stops when no other request or the sysctl keeps it on. */
  @Override
  public void close() {
    fd.close();
  }
}
