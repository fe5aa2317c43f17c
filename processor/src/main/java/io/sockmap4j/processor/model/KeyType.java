package io.sockmap4j.processor.model;

/** The key of a socket map: a primitive or a record of primitives. */
public sealed interface KeyType {
  /** The map's key_size in bytes. */
  int size();

  /** A primitive key (SOCKMAP index, or {@code SocketHash<Long>} and friends). */
  record Primitive(PrimitiveKind kind) implements KeyType {
    @Override
    public int size() {
      return kind.size();
    }
  }

  /** A record key, laid out as a C struct. */
  record Record(RecordLayout layout) implements KeyType {
    @Override
    public int size() {
      return layout.size();
    }
  }
}
