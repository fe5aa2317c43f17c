package io.sockmap4j.processor.backend;

/**
 * Stack bytes {@code [r10 + off, r10 + off + size)} whose address was handed out (see {@link
 * Assembler#addressOf}).
 */
record StackRange(int off, int size) {
  boolean overlaps(int start, int bytes) {
    return start < off + size && off < start + bytes;
  }
}
