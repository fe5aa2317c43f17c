package io.sockmap4j;

/**
 * The received data an SK_SKB program ({@link SkSkbParser}, {@link SkSkbVerdict}) runs on: the
 * kernel's {@code struct __sk_buff}. Only meaningful inside programs compiled by sockmap4j; each
 * getter compiles to a context load (plus a byte swap where the kernel's value is in network
 * order), so values come out in the form a Java programmer expects.
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

  /** Local IPv4 address, in the form described at {@link #remoteIp4()}. */
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
}
