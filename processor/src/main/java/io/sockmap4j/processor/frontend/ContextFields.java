package io.sockmap4j.processor.frontend;

import io.sockmap4j.processor.backend.Helper;
import io.sockmap4j.processor.model.ContextKind;
import java.util.Map;
import java.util.Optional;

/**
 * The context getters of {@code SkBuff} and {@code SkMsg}, and what each compiles to: a 4-byte
 * context load at the kernel's offset (optionally byte-swapped), or a helper call.
 *
 * <p>Byte order (see KERNEL.md): {@code remote_ip4}/{@code local_ip4} are network order, so a
 * {@code be32} gives the int whose top byte is the first octet; {@code remote_port} holds the
 * network-order port in the upper 16 bits on little-endian machines, so {@code be32} of the raw u32
 * is the host-order port; {@code local_port} is already host order.
 *
 * <p>{@code cb(i)} reads {@code cb[i]} of the control buffer {@code __u32 cb[5]} at offset 48: the
 * index must be a constant, because the verifier checks each context offset when it loads the
 * program.
 */
final class ContextFields {

  /**
   * How a getter is compiled. {@code elements} is 0 for a getter without arguments, or the length
   * of the u32 array at {@code offset} that the getter indexes with its one constant argument.
   * {@code swap16} marks a {@code __be16} field ({@code protocol}, {@code vlan_proto}) whose low
   * half is swapped to host order.
   */
  record Getter(
      String name,
      int offset,
      boolean swap32,
      Helper helper,
      JType type,
      int elements,
      boolean swap16) {
    Getter(String name, int offset, boolean swap32, Helper helper, JType type, int elements) {
      this(name, offset, swap32, helper, type, elements, false);
    }

    Getter(String name, int offset, boolean swap32, Helper helper, JType type) {
      this(name, offset, swap32, helper, type, 0);
    }

    boolean isHelper() {
      return helper != null;
    }

    boolean isIndexed() {
      return elements > 0;
    }
  }

  /**
   * {@code struct __sk_buff} as SK_SKB programs may read it (the kernel's {@code
   * sk_skb_is_valid_access}): every field is read with a 4-byte load, which the kernel allows for
   * each of them and requires for the address words. {@code mark}, {@code tc_classid}, {@code
   * data_meta}, {@code tstamp}, {@code wire_len} and {@code hwtstamp} are refused by the kernel and
   * have no getter; {@code data}, {@code data_end} and {@code sk} are pointers, which programs
   * never see (payload access goes through {@link SkbCalls}).
   */
  private static final Map<String, Getter> SK_BUFF =
      Map.ofEntries(
          entry(load("len", 0, false)),
          entry(load("pktType", 4, false)),
          entry(load("queueMapping", 12, false)),
          entry(new Getter("protocol", 16, false, null, JType.INT, 0, true)),
          entry(load("vlanPresent", 20, false)),
          entry(load("vlanTci", 24, false)),
          entry(new Getter("vlanProto", 28, false, null, JType.INT, 0, true)),
          entry(load("priority", 32, false)),
          entry(load("ingressIfindex", 36, false)),
          entry(load("ifindex", 40, false)),
          entry(load("tcIndex", 44, false)),
          entry(new Getter("cb", 48, false, null, JType.INT, 5)),
          entry(load("hash", 68, false)),
          entry(load("napiId", 84, false)),
          entry(load("family", 88, false)),
          entry(load("remoteIp4", 92, true)),
          entry(load("localIp4", 96, true)),
          entry(new Getter("remoteIp6", 100, true, null, JType.INT, 4)),
          entry(new Getter("localIp6", 116, true, null, JType.INT, 4)),
          entry(load("remotePort", 132, true)),
          entry(load("localPort", 136, false)),
          entry(load("gsoSegs", 164, false)),
          entry(load("gsoSize", 176, false)),
          entry(new Getter("socketCookie", 0, false, Helper.GET_SOCKET_COOKIE, JType.LONG)),
          entry(new Getter("socketUid", 0, false, Helper.GET_SOCKET_UID, JType.INT)));

  private static final Map<String, Getter> SK_MSG =
      Map.of(
          "size", load("size", 68, false),
          "family", load("family", 16, false),
          "remoteIp4", load("remoteIp4", 20, true),
          "localIp4", load("localIp4", 24, true),
          "remotePort", load("remotePort", 60, true),
          "localPort", load("localPort", 64, false),
          "remoteIp6", new Getter("remoteIp6", 28, true, null, JType.INT, 4),
          "localIp6", new Getter("localIp6", 44, true, null, JType.INT, 4));

  /**
   * {@code struct bpf_sock_ops} (Linux 4.13; the TCP fields 4.16). Every field is a 4-byte read;
   * the TCP fields read as 0 unless {@code is_fullsock}. The ip6 words are network order like the
   * ip4 fields, so each is swapped to put the address's first byte of the word on top.
   */
  private static final Map<String, Getter> SOCK_OPS =
      Map.ofEntries(
          Map.entry("op", load("op", 0, false)),
          Map.entry("arg", new Getter("arg", 4, false, null, JType.INT, 4)),
          Map.entry("family", load("family", 20, false)),
          Map.entry("remoteIp4", load("remoteIp4", 24, true)),
          Map.entry("localIp4", load("localIp4", 28, true)),
          Map.entry("remoteIp6", new Getter("remoteIp6", 32, true, null, JType.INT, 4)),
          Map.entry("localIp6", new Getter("localIp6", 48, true, null, JType.INT, 4)),
          Map.entry("remotePort", load("remotePort", 64, true)),
          Map.entry("localPort", load("localPort", 68, false)),
          Map.entry("isFullSocket", new Getter("isFullSocket", 72, false, null, JType.BOOLEAN)),
          Map.entry("sndCwnd", load("sndCwnd", 76, false)),
          Map.entry("srttMicrosX8", load("srttMicrosX8", 80, false)),
          Map.entry("callbackFlags", load("callbackFlags", 84, false)),
          Map.entry("state", load("state", 88, false)),
          Map.entry(
              "socketCookie",
              new Getter("socketCookie", 0, false, Helper.GET_SOCKET_COOKIE, JType.LONG)));

  private ContextFields() {}

  static Optional<Getter> lookup(ContextKind context, String name) {
    return Optional.ofNullable(table(context).get(name));
  }

  static String names(ContextKind context) {
    return String.join(", ", new java.util.TreeSet<>(table(context).keySet()));
  }

  private static Map<String, Getter> table(ContextKind context) {
    switch (context) {
      case SK_BUFF:
        return SK_BUFF;
      case SOCK_OPS:
        return SOCK_OPS;
      default:
        return SK_MSG;
    }
  }

  private static Map.Entry<String, Getter> entry(Getter getter) {
    return Map.entry(getter.name(), getter);
  }

  private static Getter load(String name, int offset, boolean swap) {
    return new Getter(name, offset, swap, null, JType.INT);
  }
}
