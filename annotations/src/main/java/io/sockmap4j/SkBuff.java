package io.sockmap4j;

/**
 * The received data an SK_SKB program ({@link SkSkbParser}, {@link SkSkbVerdict}, {@link
 * SkbVerdict}) runs on: the kernel's {@code struct __sk_buff}. Only meaningful inside programs
 * compiled by sockmap4j; each getter compiles to a context load (plus a byte swap where the
 * kernel's value is in network order), so values come out in the form a Java programmer expects.
 *
 * <h2>Payload</h2>
 *
 * The payload is read and written through methods, never through a pointer: {@code loadByte},
 * {@code loadShort}, {@code loadInt}, {@code loadLong} and {@code loadBytes} read with {@code
 * bpf_skb_load_bytes}, the {@code store} methods write with {@code bpf_skb_store_bytes}. Multi-byte
 * values are big-endian (network order), as {@link java.nio.ByteBuffer} reads and writes them by
 * default. Offsets count from the first byte of the data the program runs on. They work whatever
 * part of the data is in the skb's linear area (on loopback TCP it is usually none), and they stay
 * valid after {@link #pullData}, {@link #changeTail}, {@link #changeHead} and {@link #adjustRoom}:
 * there is no packet pointer a helper could invalidate.
 *
 * <p>A load outside the data ({@code offset < 0} or {@code offset + size > len()}) is where {@code
 * ByteBuffer} would throw {@code IndexOutOfBoundsException}: the program ends with its fault result
 * ({@code Verdict.DROP} for verdicts, {@code -1} for a parser). A store outside the data, and a
 * failed resize, return their failure instead, as the kernel's helpers do.
 *
 * <p>A stream parser must leave the data as it is: calling a store, pull, change or adjust method
 * from an {@link SkSkbParser} is a compile error ({@code [sockmap4j.NotAllowedInProgram]}).
 */
public interface SkBuff {
  /** Bytes in this message ({@code skb->len}). */
  int len();

  /** Address family of the socket: 2 ({@code AF_INET}) or 10 ({@code AF_INET6}). */
  int family();

  /**
   * Remote IPv4 address as an int whose most significant byte is the first octet ({@code
   * 0x7f000001} is 127.0.0.1), the value {@code ByteBuffer.wrap(inet4.getAddress()).getInt()}
   * gives.
   */
  int remoteIp4();

  /**
   * Local IPv4 address, in the form described at {@link #remoteIp4()}. Both IPv4 getters are
   * meaningful when {@link #family()} is {@code AF_INET}, or for an {@code AF_INET6} socket talking
   * IPv4 (an IPv4-mapped address); a pure IPv6 socket reads a placeholder (127.0.0.6 on Linux
   * 6.18).
   */
  int localIp4();

  /** Remote port in host byte order (the kernel keeps it in network order; swapped for you). */
  int remotePort();

  /** Local port in host byte order. */
  int localPort();

  /**
   * The socket's cookie ({@code bpf_get_socket_cookie}): a 64-bit id unique for the socket's
   * lifetime, the same value user space reads with {@code getsockopt(SO_COOKIE)}.
   */
  long socketCookie();

  /**
   * One word of the control buffer ({@code skb->cb[index]}): the control buffer of 5 u32 words,
   * scratch space shared by the programs that run on this skb (the stream parser and the verdict
   * see the same words). Linux 4.14.
   *
   * @param index the word, 0 to 4; it must be a compile-time constant (the kernel checks every
   *     context offset when it loads the program)
   */
  int cb(int index);

  /**
   * The packet priority ({@code skb->priority}), the value {@code SO_PRIORITY} gives the socket's
   * outgoing packets and queueing disciplines classify by. Linux 4.14.
   */
  int priority();

  /** The packet type ({@code skb->pkt_type}): 0 ({@code PACKET_HOST}) for local traffic. 4.14. */
  int pktType();

  /** The queue mapping ({@code skb->queue_mapping}) of a multi-queue device. 4.14. */
  int queueMapping();

  /**
   * The link-layer protocol in host byte order ({@code skb->protocol}, swapped for you): {@code
   * 0x0800} for IPv4, {@code 0x86DD} for IPv6. 4.14.
   */
  int protocol();

  /** 1 if the skb carries a VLAN tag ({@code skb->vlan_present}), else 0. 4.14. */
  int vlanPresent();

  /** The VLAN tag control information ({@code skb->vlan_tci}). 4.14. */
  int vlanTci();

  /** The VLAN protocol in host byte order ({@code skb->vlan_proto}), e.g. {@code 0x8100}. 4.14. */
  int vlanProto();

  /** The index of the device the skb arrived on ({@code skb->ingress_ifindex}). 4.14. */
  int ingressIfindex();

  /** The index of the device the skb is on ({@code skb->ifindex}); 0 when it has none. 4.14. */
  int ifindex();

  /** The traffic-control index ({@code skb->tc_index}). 4.14. */
  int tcIndex();

  /** The packet's flow hash ({@code skb->hash}); 0 when none was computed. 4.14. */
  int hash();

  /** The id of the NAPI context the skb was received in ({@code skb->napi_id}). 4.14. */
  int napiId();

  /** GSO segment count ({@code skb->gso_segs}). 4.14. */
  int gsoSegs();

  /** GSO segment size ({@code skb->gso_size}). 5.7 for SK_SKB. */
  int gsoSize();

  /**
   * Word {@code index} of the remote IPv6 address ({@code skb->remote_ip6[index]}), each word an
   * int whose most significant byte comes first in the address, the form {@link #remoteIp4()} uses:
   * the address {@code ::1} is the words 0, 0, 0, 1, and {@code ByteBuffer.wrap(inet6.getAddress())
   * .getInt(4 * index)} gives word {@code index} in Java. An IPv4 socket (and an IPv6 socket
   * talking IPv4, as {@code new Socket()} makes them) reads the IPv4-mapped address {@code
   * ::ffff:a.b.c.d}. Linux 4.14.
   *
   * @param index the word, 0 to 3; it must be a compile-time constant
   */
  int remoteIp6(int index);

  /** Word {@code index} of the local IPv6 address, in the form of {@link #remoteIp6(int)}. */
  int localIp6(int index);

  /**
   * The owner uid of the socket ({@code bpf_get_socket_uid}), or the overflow uid when it has none.
   * Linux 4.14.
   */
  int socketUid();

  /**
   * Sets the packet priority ({@code skb->priority}, a 4-byte context store). Linux 4.14.
   *
   * @param value the new priority
   */
  void priority(int value);

  /**
   * Sets the traffic-control index ({@code skb->tc_index}, a 4-byte context store). Linux 4.14.
   *
   * @param value the new index
   */
  void tcIndex(int value);

  // ------------------------------------------------------------------------ payload reads

  /**
   * The byte at {@code offset} ({@code bpf_skb_load_bytes}, Linux 4.14). Use {@code
   * Byte.toUnsignedInt} for 0 to 255. Outside the data, the program ends with its fault result.
   *
   * @param offset from the start of the data, 0 to {@code len() - 1}
   */
  byte loadByte(int offset);

  /** The big-endian short at {@code offset}; see {@link #loadByte(int)}. Linux 4.14. */
  short loadShort(int offset);

  /** The big-endian int at {@code offset}; see {@link #loadByte(int)}. Linux 4.14. */
  int loadInt(int offset);

  /** The big-endian long at {@code offset}; see {@link #loadByte(int)}. Linux 4.14. */
  long loadLong(int offset);

  /**
   * Copies {@code to.length} bytes from {@code offset} into the local array {@code to} ({@code
   * bpf_skb_load_bytes}, Linux 4.14). Outside the data, the program ends with its fault result.
   *
   * @param offset from the start of the data
   * @param to a local {@code byte[]} of the program
   */
  void loadBytes(int offset, byte[] to);

  /**
   * Copies {@code length} bytes from {@code offset} into the start of the local array {@code to};
   * {@code length} is a compile-time constant from 1 to {@code to.length}. Linux 4.14.
   */
  void loadBytes(int offset, byte[] to, int length);

  // ------------------------------------------------------------------------ payload writes

  /**
   * Writes {@code value} at {@code offset} ({@code bpf_skb_store_bytes}, Linux 4.14).
   *
   * @return true if written; false if {@code offset} is outside the data (or the kernel could not
   *     make the data writable)
   */
  boolean storeByte(int offset, byte value);

  /** Writes {@code value} big-endian at {@code offset}; see {@link #storeByte}. Linux 4.14. */
  boolean storeShort(int offset, short value);

  /** Writes {@code value} big-endian at {@code offset}; see {@link #storeByte}. Linux 4.14. */
  boolean storeInt(int offset, int value);

  /** Writes {@code value} big-endian at {@code offset}; see {@link #storeByte}. Linux 4.14. */
  boolean storeLong(int offset, long value);

  /** Writes all of the local array {@code from} at {@code offset}; see {@link #storeByte}. */
  boolean storeBytes(int offset, byte[] from);

  /**
   * Writes the first {@code length} bytes of the local array {@code from} at {@code offset}; {@code
   * length} is a compile-time constant from 1 to {@code from.length}. See {@link #storeByte}.
   */
  boolean storeBytes(int offset, byte[] from, int length);

  // ------------------------------------------------------------------------ resizing

  /**
   * Makes the first {@code length} bytes linear and writable ({@code bpf_skb_pull_data}, Linux
   * 4.14). The load and store methods do not need it; it is there for programs that want to make
   * sure the data is private to them before many stores.
   *
   * @return 0, or a negative errno ({@code -ENOMEM} when {@code length > len()})
   */
  int pullData(int length);

  /**
   * Trims or grows the data to {@code newLength} bytes at its end ({@code bpf_skb_change_tail},
   * Linux 4.14). Grown bytes are zero. After a stream parser the kernel delivers the length the
   * parser measured, so resize in a verdict without a parser or in an {@link SkbVerdict}.
   *
   * @return 0, or a negative errno ({@code -EINVAL} for a length the kernel refuses)
   */
  int changeTail(int newLength);

  /**
   * Inserts {@code length} zero bytes before the data ({@code bpf_skb_change_head}; available to
   * SK_SKB on every kernel sockmap4j supports, 5.10+). On Linux 6.18, after a verdict grew a TCP
   * skb at the head by n bytes, a later skb of n bytes or fewer on that connection is held back
   * until more data arrives; growing at the tail has no such effect.
   *
   * @return 0, or a negative errno
   */
  int changeHead(int length);

  /**
   * Grows ({@code delta > 0}, zero bytes inserted) or shrinks ({@code delta < 0}, bytes removed)
   * the data at its start ({@code bpf_skb_adjust_room}, Linux 5.10 for SK_SKB; at most 4095 bytes
   * either way). Growing has the effect on TCP described at {@link #changeHead(int)}.
   *
   * @return 0, or a negative errno ({@code -EFAULT} beyond 4095, {@code -ENOMEM} when shrinking
   *     past the data)
   */
  int adjustRoom(int delta);
}
