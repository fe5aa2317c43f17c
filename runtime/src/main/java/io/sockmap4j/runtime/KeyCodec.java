package io.sockmap4j.runtime;

import java.nio.ByteBuffer;

/**
 * Converts between Java keys and the bytes of a map key, laid out as the kernel program sees them
 * (C layout, host byte order). State maps use the same codecs for their values.
 *
 * <p>Generated code implements this for records. The constants cover keys (and values) of one
 * primitive.
 *
 * @param <K> the Java key type
 */
public interface KeyCodec<K> {

  /** A 4-byte key ({@code u32}/{@code s32}). */
  KeyCodec<Integer> INT =
      new PrimitiveKeyCodec<>(Integer.BYTES, "INT", (k, out) -> out.putInt(k), ByteBuffer::getInt);

  /** An 8-byte key ({@code u64}/{@code s64}). */
  KeyCodec<Long> LONG =
      new PrimitiveKeyCodec<>(Long.BYTES, "LONG", (k, out) -> out.putLong(k), ByteBuffer::getLong);

  /** A 2-byte key ({@code u16}/{@code s16}). */
  KeyCodec<Short> SHORT =
      new PrimitiveKeyCodec<>(
          Short.BYTES, "SHORT", (k, out) -> out.putShort(k), ByteBuffer::getShort);

  /** A 1-byte key ({@code u8}/{@code s8}). */
  KeyCodec<Byte> BYTE =
      new PrimitiveKeyCodec<>(Byte.BYTES, "BYTE", (k, out) -> out.put(k), ByteBuffer::get);

  /** The key size in bytes; it must equal the map's key size. */
  int size();

  /**
   * Writes {@code key} into {@code out}.
   *
   * @param out exactly {@link #size()} bytes, {@link java.nio.ByteOrder#nativeOrder()}, positioned
   *     at 0 and zero-filled (padding bytes may be left alone)
   */
  void encode(K key, ByteBuffer out);

  /**
   * Reads a key from {@code in}: exactly {@link #size()} bytes in native order, positioned at 0.
   */
  K decode(ByteBuffer in);
}
