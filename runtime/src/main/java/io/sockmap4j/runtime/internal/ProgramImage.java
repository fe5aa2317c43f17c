package io.sockmap4j.runtime.internal;

/**
 * What {@code BPF_PROG_LOAD} needs besides the verifier log: the program with its map fds already
 * patched in.
 *
 * @param name the sanitized kernel name (at most 15 characters of {@code [A-Za-z0-9_.]})
 * @param insns the {@code struct bpf_insn} array in the host's byte order, a multiple of 8 bytes
 */
public record ProgramImage(
    String name, int progType, int expectedAttachType, String license, byte[] insns) {}
