package io.sockmap4j.runtime.internal;

/**
 * What {@code BPF_PROG_LOAD} needs besides the verifier log: the program with its map fds already
 * patched in, and optionally its BTF line and function info.
 *
 * @param name the sanitized kernel name (at most 15 characters of {@code [A-Za-z0-9_.]})
 * @param insns the {@code struct bpf_insn} array in the host's byte order, a multiple of 8 bytes
 * @param btfFd the fd of the loaded {@link ProgramBtf#btf()} blob, or -1 without debug info
 * @param debugInfo the {@code func_info} and {@code line_info} records, or {@code null}
 */
public record ProgramImage(
    String name,
    int progType,
    int expectedAttachType,
    String license,
    byte[] insns,
    int btfFd,
    ProgramBtf debugInfo) {

  /** Checks that the fd and the records come together. */
  public ProgramImage {
    if ((btfFd >= 0) != (debugInfo != null)) {
      throw new IllegalArgumentException("a BTF fd needs debug info and the reverse");
    }
  }

  /** An image without debug info. */
  public ProgramImage(
      String name, int progType, int expectedAttachType, String license, byte[] insns) {
    this(name, progType, expectedAttachType, license, insns, -1, null);
  }

  /** This image with the BTF blob loaded as {@code btfFd} and its records. */
  public ProgramImage withDebugInfo(int btfFd, ProgramBtf debugInfo) {
    return new ProgramImage(name, progType, expectedAttachType, license, insns, btfFd, debugInfo);
  }

  /** This image without debug info. */
  public ProgramImage withoutDebugInfo() {
    return new ProgramImage(name, progType, expectedAttachType, license, insns);
  }

  /** Whether the load passes BTF line and function info. */
  public boolean hasDebugInfo() {
    return debugInfo != null;
  }
}
