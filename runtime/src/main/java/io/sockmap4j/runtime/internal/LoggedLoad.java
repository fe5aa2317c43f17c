package io.sockmap4j.runtime.internal;

/**
 * The outcome of a {@code BPF_PROG_LOAD} with the verifier log on.
 *
 * @param fd the program fd, or -1 when the load failed
 * @param errno the errno of a failed load, 0 on success
 * @param log the verifier's log (possibly empty)
 */
public record LoggedLoad(int fd, int errno, String log) {

  /** Whether the kernel accepted the program. */
  public boolean succeeded() {
    return fd >= 0;
  }
}
