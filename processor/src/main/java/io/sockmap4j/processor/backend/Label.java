package io.sockmap4j.processor.backend;

/**
 * A symbolic jump target, created by {@link Assembler#newLabel} and placed by {@link
 * Assembler#bind}.
 *
 * <p>Jumps may name a label before it is bound (a forward jump) or after (a backward jump): the
 * offset is computed once, when {@link Assembler#link} knows where every label and every two-slot
 * {@code ld_imm64} sits. A label is only meaningful to the assembler that made it.
 */
public final class Label {
  /** Marks a label that has not been bound yet. */
  static final int UNBOUND = -1;

  private final Assembler owner;
  private final String name;
  private int index = UNBOUND;

  Label(Assembler owner, String name) {
    this.owner = owner;
    this.name = name;
  }

  /** The debug name: the hint given to {@link Assembler#newLabel} and a number unique per owner. */
  public String name() {
    return name;
  }

  /** Whether {@link Assembler#bind} has placed this label. */
  public boolean isBound() {
    return index != UNBOUND;
  }

  Assembler owner() {
    return owner;
  }

  /** The logical instruction index the label is bound to, or {@link #UNBOUND}. */
  int index() {
    return index;
  }

  void bindTo(int index) {
    this.index = index;
  }

  @Override
  public String toString() {
    return name;
  }
}
