package io.sockmap4j;

/**
 * The data being sent that an SK_MSG program ({@link SkMsgVerdict}) runs on: the kernel's {@code
 * struct sk_msg_md}. Only meaningful inside programs compiled by sockmap4j; getters compile to
 * 4-byte context loads, swapped to host order where the kernel keeps network order.
 */
public interface SkMsg {
  /** Bytes in this message ({@code msg->size}, Linux 5.0). */
  int size();

  /** Address family of the socket: 2 ({@code AF_INET}) or 10 ({@code AF_INET6}). */
  int family();

  /** Remote IPv4 address; see {@link SkBuff#remoteIp4()} for the form. */
  int remoteIp4();

  /** Local IPv4 address; see {@link SkBuff#remoteIp4()} for the form. */
  int localIp4();

  /** Remote port in host byte order. */
  int remotePort();

  /** Local port in host byte order. */
  int localPort();
}
