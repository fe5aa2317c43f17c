package io.sockmap4j;

/**
 * What happens to a message. The ordinals are the kernel's values: {@code SK_DROP = 0}, {@code
 * SK_PASS = 1}.
 */
public enum Verdict {
  /** Discard the data ({@code SK_DROP}); on the send side, {@code send()} fails with EACCES. */
  DROP,
  /** Let the data continue on its normal path ({@code SK_PASS}). */
  PASS
}
