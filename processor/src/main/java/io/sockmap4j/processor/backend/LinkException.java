package io.sockmap4j.processor.backend;

import java.util.List;

/**
 * Thrown by {@link Assembler#link()} when jumps cannot be resolved: a jump names a label that was
 * never bound, or a jump is farther than the 16-bit offset field reaches (-32768 to 32767 slots).
 *
 * <p>It is an internal error of the frontend, not a user error: the message lists every problem at
 * once, and {@link #unboundLabels()} names the labels so a test can assert on them.
 */
public final class LinkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The problems, one message each. */
  private final List<String> problems;

  /** The names of the labels jumped to but never bound, in creation order. */
  private final List<String> unboundLabels;

  LinkException(List<String> problems, List<String> unboundLabels) {
    super("cannot link eBPF program: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
    this.unboundLabels = List.copyOf(unboundLabels);
  }

  /** Every problem found, one message each. */
  public List<String> problems() {
    return problems;
  }

  /** The names of the labels that are jumped to but never bound, in creation order. */
  public List<String> unboundLabels() {
    return unboundLabels;
  }
}
