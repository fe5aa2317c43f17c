package io.sockmap4j.runtime;

import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** The {@link KeyCodec} constants: a key of one primitive value. */
final class PrimitiveKeyCodec<K> implements KeyCodec<K> {

  private final int size;
  private final String name;
  private final BiConsumer<K, ByteBuffer> encoder;
  private final Function<ByteBuffer, K> decoder;

  PrimitiveKeyCodec(
      int size, String name, BiConsumer<K, ByteBuffer> encoder, Function<ByteBuffer, K> decoder) {
    this.size = size;
    this.name = name;
    this.encoder = encoder;
    this.decoder = decoder;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void encode(K key, ByteBuffer out) {
    encoder.accept(key, out);
  }

  @Override
  public K decode(ByteBuffer in) {
    return decoder.apply(in);
  }

  @Override
  public String toString() {
    return "KeyCodec." + name;
  }
}
