package io.sockmap4j.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Encoding and update helpers shared by the state map handles. */
final class Codecs {
  static final long BPF_ANY = 0;
  static final long BPF_NOEXIST = 1;
  static final long BPF_EXIST = 2;

  private Codecs() {}

  /** {@code value}'s bytes, zero-filled around the components. */
  static <T> byte[] encode(KeyCodec<T> codec, T value) {
    ByteBuffer out = ByteBuffer.allocate(codec.size()).order(ByteOrder.nativeOrder());
    codec.encode(value, out);
    return out.array();
  }

  static <T> T decode(KeyCodec<T> codec, byte[] bytes) {
    return codec.decode(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()));
  }

  /** Decodes {@code size} bytes at {@code offset}. */
  static <T> T decode(KeyCodec<T> codec, byte[] bytes, int offset) {
    return codec.decode(
        ByteBuffer.wrap(bytes, offset, codec.size()).slice().order(ByteOrder.nativeOrder()));
  }

  /** Encodes into {@code bytes} at {@code offset}. */
  static <T> void encode(KeyCodec<T> codec, T value, byte[] bytes, int offset) {
    codec.encode(
        value, ByteBuffer.wrap(bytes, offset, codec.size()).slice().order(ByteOrder.nativeOrder()));
  }

  static void checkSizes(BpfMap map, KeyCodec<?> keys, KeyCodec<?> values) {
    if (map.keySize() != keys.size() || map.valueSize() != values.size()) {
      throw new IllegalArgumentException(
          map
              + " has "
              + map.keySize()
              + "-byte keys and "
              + map.valueSize()
              + "-byte values, but the codecs "
              + keys
              + " and "
              + values
              + " encode "
              + keys.size()
              + " and "
              + values.size()
              + " bytes");
    }
  }

  /** An update that returns {@code false} when the kernel answers {@code expectedErrno}. */
  static boolean updateUnless(BpfMap map, byte[] key, byte[] value, long flags, int expectedErrno) {
    try {
      map.update(key, value, flags);
      return true;
    } catch (BpfException e) {
      if (e.errno() == expectedErrno) {
        return false;
      }
      throw e;
    }
  }
}
