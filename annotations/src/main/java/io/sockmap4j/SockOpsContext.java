package io.sockmap4j;

/**
 * The TCP socket event a {@link SockOps} program runs on: the kernel's {@code struct bpf_sock_ops}.
 * Only meaningful inside programs compiled by sockmap4j; each getter compiles to a 4-byte context
 * load (swapped where the kernel keeps network order), each setter to a context store or a helper
 * call.
 *
 * <p>The constants are the kernel's {@code BPF_SOCK_OPS_*} operation codes that {@link #op()}
 * returns, the {@code BPF_SOCK_OPS_*_CB_FLAG} bits of {@link #setCallbackFlags(int)}, and the TCP
 * states of {@link #state()}.
 */
public interface SockOpsContext {
  /** No operation ({@code BPF_SOCK_OPS_VOID}). */
  int VOID = 0;

  /** Asks for the SYN retransmission timeout ({@code BPF_SOCK_OPS_TIMEOUT_INIT}); reply in ms. */
  int TIMEOUT_INIT = 1;

  /** Asks for the initial receive window ({@code BPF_SOCK_OPS_RWND_INIT}); reply in packets. */
  int RWND_INIT = 2;

  /** A connect is about to send its SYN ({@code BPF_SOCK_OPS_TCP_CONNECT_CB}). */
  int TCP_CONNECT_CB = 3;

  /** An active (connecting) socket is established ({@code BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB}). */
  int ACTIVE_ESTABLISHED_CB = 4;

  /**
   * A passive (accepted) socket is established ({@code BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB}).
   * Together with {@link #ACTIVE_ESTABLISHED_CB} and {@link #TCP_LISTEN_CB}, the only operations
   * during which a socket can be inserted into a socket map.
   */
  int PASSIVE_ESTABLISHED_CB = 5;

  /** Asks whether to use ECN ({@code BPF_SOCK_OPS_NEEDS_ECN}); reply 1 to enable. */
  int NEEDS_ECN = 6;

  /** Asks for the base RTT ({@code BPF_SOCK_OPS_BASE_RTT}). */
  int BASE_RTT = 7;

  /** A retransmission timeout fired (needs {@link #RTO_CB_FLAG}; {@code BPF_SOCK_OPS_RTO_CB}). */
  int RTO_CB = 8;

  /** A segment was retransmitted (needs {@link #RETRANS_CB_FLAG}). */
  int RETRANS_CB = 9;

  /**
   * The TCP state changes (needs {@link #STATE_CB_FLAG}): {@code arg(0)} is the old state, {@code
   * arg(1)} the new one ({@code BPF_SOCK_OPS_STATE_CB}).
   */
  int STATE_CB = 10;

  /** {@code listen()} was called on the socket ({@code BPF_SOCK_OPS_TCP_LISTEN_CB}). */
  int TCP_LISTEN_CB = 11;

  /** Called once per RTT (needs {@link #RTT_CB_FLAG}; {@code BPF_SOCK_OPS_RTT_CB}, Linux 5.2). */
  int RTT_CB = 12;

  /** {@link #setCallbackFlags(int)} bit: call with {@link #RTO_CB}. */
  int RTO_CB_FLAG = 1;

  /** {@link #setCallbackFlags(int)} bit: call with {@link #RETRANS_CB}. */
  int RETRANS_CB_FLAG = 2;

  /** {@link #setCallbackFlags(int)} bit: call with {@link #STATE_CB}. */
  int STATE_CB_FLAG = 4;

  /** {@link #setCallbackFlags(int)} bit: call with {@link #RTT_CB} (Linux 5.2). */
  int RTT_CB_FLAG = 8;

  /** TCP state ({@code BPF_TCP_ESTABLISHED}) as {@link #state()} returns it. */
  int TCP_ESTABLISHED = 1;

  /** TCP state {@code BPF_TCP_CLOSE}: the socket is closed. */
  int TCP_CLOSE = 7;

  /** TCP state {@code BPF_TCP_LISTEN}. */
  int TCP_LISTEN = 10;

  /** The operation this call is for: one of the operation constants above ({@code op}). */
  int op();

  /**
   * Argument {@code index} of the operation ({@code args[index]}): for {@link #STATE_CB}, the old
   * and the new state.
   *
   * @param index 0 to 3, a compile-time constant
   */
  int arg(int index);

  /** Address family of the socket: 2 ({@code AF_INET}) or 10 ({@code AF_INET6}). */
  int family();

  /** Remote IPv4 address; see {@link SkBuff#remoteIp4()} for the form (first octet on top). */
  int remoteIp4();

  /** Local IPv4 address; see {@link SkBuff#remoteIp4()} for the form. */
  int localIp4();

  /**
   * Word {@code index} of the remote IPv6 address, as an int whose most significant byte is the
   * address's byte {@code 4 * index}: {@code remoteIp6(0)} of {@code 2001:db8::1} is {@code
   * 0x20010db8}, the value {@code ByteBuffer.wrap(inet6.getAddress()).getInt(4 * index)} gives.
   *
   * @param index 0 to 3, a compile-time constant
   */
  int remoteIp6(int index);

  /**
   * Word {@code index} of the local IPv6 address, in the form of {@link #remoteIp6(int)}.
   *
   * @param index 0 to 3, a compile-time constant
   */
  int localIp6(int index);

  /** Remote port in host byte order (the kernel keeps it in network order; swapped for you). */
  int remotePort();

  /** Local port in host byte order. */
  int localPort();

  /**
   * Whether the event is for a full socket, so that the TCP fields ({@link #state()}, {@link
   * #sndCwnd()}, {@link #srttMicrosX8()}, {@link #callbackFlags()}) are meaningful; they read as 0
   * otherwise (for example for a request socket during {@link #TIMEOUT_INIT}).
   */
  boolean isFullSocket();

  /** The TCP state: {@link #TCP_ESTABLISHED}, {@link #TCP_LISTEN}, ... ({@code state}). */
  int state();

  /** The callback flags currently set on the socket ({@code bpf_sock_ops_cb_flags}). */
  int callbackFlags();

  /** The congestion window in segments ({@code snd_cwnd}). */
  int sndCwnd();

  /** The smoothed RTT in microseconds, times 8, as TCP keeps it ({@code srtt_us}). */
  int srttMicrosX8();

  /**
   * The socket's cookie ({@code bpf_get_socket_cookie}, Linux 5.0 for sock_ops): the same 64-bit id
   * user space reads with {@code getsockopt(SO_COOKIE)}.
   */
  long socketCookie();

  /**
   * Sets the value the kernel reads back for this operation ({@code reply}), for the operations
   * that ask for one ({@link #TIMEOUT_INIT}, {@link #RWND_INIT}, {@link #NEEDS_ECN}, ...).
   */
  void setReply(int value);

  /**
   * Asks the kernel to call the program for more operations on this socket ({@code
   * bpf_sock_ops_cb_flags_set}, Linux 4.16): an OR of the {@code *_CB_FLAG} constants; 0 turns them
   * off. Returns 0, or a negative errno ({@code -EINVAL} if the socket is not a full TCP socket or
   * a bit is unknown to this kernel, in which case the known bits are still set).
   */
  int setCallbackFlags(int flags);
}
