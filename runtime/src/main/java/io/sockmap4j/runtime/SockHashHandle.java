package io.sockmap4j.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Puts sockets into a SOCKHASH (map type 18, kernel 4.18+): sockets under keys of type {@code K},
 * encoded by a {@link KeyCodec} into the C layout the programs use, with the kernel's semantics for
 * each operation.
 *
 * <p>The same sockets are accepted and refused as by {@link SockMapHandle} (see its table of socket
 * kinds and kernel versions), with the same rule: attach the programs first, then put sockets. A
 * full map refuses new keys (E2BIG) but still lets existing keys be replaced.
 *
 * <p>All operations are safe to call from many threads at once: each is a {@code bpf()} call that
 * the kernel applies atomically to one key. {@link #keys()} and {@link #size()} walk the map and
 * are not atomic snapshots. The operations themselves are those of {@link AbstractSocketHandle}.
 *
 * @param <K> the Java key type
 */
public final class SockHashHandle<K> extends AbstractSocketHandle<K> {

  private final KeyCodec<K> codec;

  /**
   * Wraps {@code map}.
   *
   * @throws IllegalArgumentException if the map is not a SOCKHASH, its values are not 4 or 8 bytes,
   *     or its key size differs from {@code codec.size()}
   */
  public SockHashHandle(BpfMap map, KeyCodec<K> codec) {
    super(new SocketSlots(map, SocketSlots.SOCKHASH, "SOCKHASH", key -> describe(codec, key)));
    if (map.keySize() != codec.size()) {
      throw new IllegalArgumentException(
          "SOCKHASH "
              + map.name()
              + " has "
              + map.keySize()
              + "-byte keys but "
              + codec
              + " encodes "
              + codec.size()
              + " bytes");
    }
    this.codec = codec;
  }

  /**
   * The keys present, in the kernel's iteration order, decoded. Not an atomic snapshot: keys added
   * or removed concurrently may or may not be listed; each key is listed at most once.
   */
  public List<K> keys() {
    return presentKeys();
  }

  @Override
  byte[] encode(K key) {
    ByteBuffer out = ByteBuffer.allocate(codec.size()).order(ByteOrder.nativeOrder());
    codec.encode(key, out);
    return out.array();
  }

  @Override
  K decode(byte[] key) {
    return decode(codec, key);
  }

  private static <K> K decode(KeyCodec<K> codec, byte[] key) {
    return codec.decode(ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()));
  }

  private static <K> String describe(KeyCodec<K> codec, byte[] key) {
    return String.valueOf(decode(codec, key));
  }
}
