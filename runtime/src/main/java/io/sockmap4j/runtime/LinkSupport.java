package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.Errno;

/**
 * Whether this kernel has bpf_links for sockmap programs (Linux 6.10+), learned once per JVM from
 * the kernel's own answers rather than from its version string.
 *
 * <p>Kernels without sockmap links answer {@code BPF_LINK_CREATE} for an SK_SKB or SK_MSG program
 * with EINVAL (the generic "no link for this program type" path) or EOPNOTSUPP. That same EINVAL
 * could also mean a program that does not fit its map, so {@link AttachMode#AUTO} only concludes
 * "no links" when the legacy attach of the same program then succeeds.
 */
final class LinkSupport {

  private static volatile Boolean known;

  private LinkSupport() {}

  /** False once the kernel has shown it has no sockmap links; true while unknown or known. */
  static boolean mayHaveLinks() {
    Boolean answer = known;
    return answer == null || answer;
  }

  /** What the kernel has shown, or {@code null} before the first AUTO attach. */
  static Boolean known() {
    return known;
  }

  static void learn(boolean hasLinks) {
    known = hasLinks;
  }

  /** Whether a {@code BPF_LINK_CREATE} errno is the "no sockmap links here" refusal. */
  static boolean isNoSuchLinkErrno(int errno) {
    return errno == Errno.EINVAL || errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP;
  }
}
