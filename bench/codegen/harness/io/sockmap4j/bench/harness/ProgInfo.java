package io.sockmap4j.bench.harness;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.ref.Reference;

/**
 * What the kernel reports about a loaded program, read with {@code BPF_OBJ_GET_INFO_BY_FD}.
 *
 * <p>The runtime's {@code ObjectInfo} stops at the name, and Debian's bpftool 7.1 does not print
 * {@code verified_insns}, so the benchmark reads {@code struct bpf_prog_info} itself. Offsets are
 * from {@code include/uapi/linux/bpf.h} ({@code offsetof} with clang on the UAPI header):
 *
 * <pre>
 *   0 u32 type | 4 u32 id | 8 u8 tag[8] | 16 u32 jited_prog_len | 20 u32 xlated_prog_len
 *   ...
 * 216 u32 verified_insns (Linux 5.16)                 sizeof(struct bpf_prog_info) = 232
 * </pre>
 *
 * @param id the program id, as {@code bpftool prog show} lists it
 * @param xlatedInsns the program after the verifier's rewrites, in 8-byte slots
 * @param verifiedInsns the verifier's "processed N insns"
 */
record ProgInfo(int id, int xlatedInsns, int verifiedInsns) {

  private static final long SYS_BPF = 321; // x86-64; the benchmark machine
  private static final int PROG_GET_FD_BY_ID = 13;
  private static final int OBJ_GET_INFO_BY_FD = 15;
  private static final int ATTR_SIZE = 168;
  private static final int INFO_SIZE = 232;
  private static final int XLATED_PROG_LEN = 20;
  private static final int VERIFIED_INSNS = 216;

  /** The fixed-arity libc calls needed here. */
  interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    long syscall(long number, long cmd, Pointer attr, long size);

    int close(int fd);
  }

  /** Reads the info of program {@code id}; throws if it does not exist or cannot be read. */
  static ProgInfo of(int id) {
    if (!"amd64".equals(System.getProperty("os.arch"))) {
      throw new UnsupportedOperationException("ProgInfo knows the x86-64 bpf() number only");
    }
    Memory attr = new Memory(ATTR_SIZE);
    attr.clear();
    attr.setInt(0, id);
    int fd = (int) bpf(PROG_GET_FD_BY_ID, attr, "BPF_PROG_GET_FD_BY_ID id " + id);
    try {
      Memory info = new Memory(INFO_SIZE);
      info.clear();
      attr.clear();
      attr.setInt(0, fd);
      attr.setInt(4, INFO_SIZE);
      attr.setLong(8, Pointer.nativeValue(info));
      bpf(OBJ_GET_INFO_BY_FD, attr, "BPF_OBJ_GET_INFO_BY_FD id " + id);
      Reference.reachabilityFence(info);
      return new ProgInfo(id, info.getInt(XLATED_PROG_LEN) / 8, info.getInt(VERIFIED_INSNS));
    } finally {
      LibC.INSTANCE.close(fd);
    }
  }

  private static long bpf(int cmd, Memory attr, String what) {
    long result = LibC.INSTANCE.syscall(SYS_BPF, cmd, attr, ATTR_SIZE);
    int errno = result < 0 ? Native.getLastError() : 0;
    Reference.reachabilityFence(attr);
    if (result < 0) {
      throw new IllegalStateException(what + " failed: errno " + errno);
    }
    return result;
  }
}
