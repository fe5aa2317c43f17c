package io.sockmap4j.runtime;

/**
 * How a {@link BpfObject} attaches its programs to their maps.
 *
 * <p>A <em>link</em> ({@code BPF_LINK_CREATE}, Linux 6.10+) is a kernel object of its own: the
 * program stays attached exactly as long as the link exists (an fd or a pin holds it), it shows in
 * {@code bpftool link show}, and while it exists nobody can replace or detach the program with the
 * legacy commands (they fail with EBUSY). A <em>legacy</em> attachment ({@code BPF_PROG_ATTACH},
 * Linux 4.14+) is a setting of the map: it lasts as long as the map, and anyone holding the map and
 * the program can replace or detach it.
 */
public enum AttachMode {
  /**
   * Links where the kernel has them for sockmaps, otherwise legacy. Whether it has them is learned
   * from the kernel's answer to the first link attempt (EINVAL or EOPNOTSUPP on kernels before
   * 6.10) and remembered for the rest of the JVM; the kernel version string is never consulted.
   */
  AUTO,

  /**
   * Links only: fails with a {@link BpfException} explaining that 6.10+ is needed where the kernel
   * refuses.
   */
  LINK,

  /** {@code BPF_PROG_ATTACH} and {@code BPF_PROG_DETACH}, which every sockmap kernel has. */
  LEGACY
}
