package io.sockmap4j.processor.backend;

import java.util.Locale;
import java.util.Optional;

/**
 * The kernel helper functions sockmap4j programs may call, with their ids from {@code enum
 * bpf_func_id} in {@code include/uapi/linux/bpf.h}.
 *
 * <p>The ids are typed here so the processor needs no kernel headers at build time; a test parses
 * the installed header's {@code __BPF_FUNC_MAPPER} list and fails if any id or name differs. The id
 * is the {@code imm} of a {@code call} instruction; arguments go in r1 to r5, the result comes back
 * in r0, and r1 to r5 are unreadable afterwards.
 */
public enum Helper {
  MAP_LOOKUP_ELEM(1),
  MAP_UPDATE_ELEM(2),
  MAP_DELETE_ELEM(3),
  KTIME_GET_NS(5),
  /** GPL-only. */
  TRACE_PRINTK(6),
  GET_PRANDOM_U32(7),
  SKB_STORE_BYTES(9),
  SKB_LOAD_BYTES(26),
  SKB_CHANGE_TAIL(38),
  SKB_PULL_DATA(39),
  SKB_CHANGE_HEAD(43),
  GET_SOCKET_COOKIE(46),
  GET_SOCKET_UID(47),
  /** Kernel 5.10 for SK_SKB. */
  SKB_ADJUST_ROOM(50),
  SK_REDIRECT_MAP(52),
  SOCK_MAP_UPDATE(53),
  MSG_REDIRECT_MAP(60),
  MSG_APPLY_BYTES(61),
  MSG_CORK_BYTES(62),
  MSG_PULL_DATA(63),
  SOCK_HASH_UPDATE(70),
  MSG_REDIRECT_HASH(71),
  SK_REDIRECT_HASH(72),
  SK_RELEASE(86),
  /** Kernel 4.20. */
  MSG_PUSH_DATA(90),
  /** Kernel 5.0. */
  MSG_POP_DATA(91),
  /** Kernel 4.16; SOCK_OPS only. */
  SOCK_OPS_CB_FLAGS_SET(59);

  private final int id;

  Helper(int id) {
    this.id = id;
  }

  /** The helper id: {@code BPF_FUNC_<name>}, the {@code imm} of the call instruction. */
  public int id() {
    return id;
  }

  /** The C name, as the kernel documents and prints it: {@code bpf_sk_redirect_map}. */
  public String kernelName() {
    return "bpf_" + name().toLowerCase(Locale.ROOT);
  }

  /** The helper with the given id, if this table has it. */
  public static Optional<Helper> ofId(int id) {
    for (Helper helper : values()) {
      if (helper.id == id) {
        return Optional.of(helper);
      }
    }
    return Optional.empty();
  }
}
