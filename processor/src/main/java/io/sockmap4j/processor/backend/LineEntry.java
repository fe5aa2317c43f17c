package io.sockmap4j.processor.backend;

import java.util.Objects;

/**
 * The source position of the instructions from {@code slot} up to the next entry, in the sense of a
 * BTF {@code line_info} record. A {@link Program} has one entry wherever the position changes.
 *
 * @param slot the slot of the first instruction at this position
 * @param pos the source position
 */
public record LineEntry(int slot, SourcePos pos) {

  /** Validates the slot and the position. */
  public LineEntry {
    if (slot < 0) {
      throw new IllegalArgumentException("slot must not be negative, got " + slot);
    }
    Objects.requireNonNull(pos, "pos");
  }
}
