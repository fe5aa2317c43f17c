package io.sockmap4j;

/** Where a redirected message goes on the target socket. Must be a constant in programs. */
public enum Direction {
  /**
   * Out through the target socket: the bytes are sent by it and arrive at its peer (redirect flags
   * 0).
   */
  EGRESS,
  /**
   * Onto the target socket's own receive queue, as if its peer had sent them ({@code
   * BPF_F_INGRESS}); Linux 4.17 for SK_MSG, 4.19 for SK_SKB.
   */
  INGRESS
}
