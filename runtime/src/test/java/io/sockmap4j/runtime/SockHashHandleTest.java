package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.LoopbackPair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;

/** Putting real loopback sockets into a SOCKHASH under primitive and record keys. */
@ExtendWith(KernelLeakCheck.class)
class SockHashHandleTest {

  private static final String HASH = TestNames.of("hash");

  /** A record key with C layout {@code struct { u32 ip; u16 port; u16 pad; }}. */
  record Peer(int ip, short port) {}

  static final PeerCodec PEER = new PeerCodec();

  /** What generated code does for a record key. */
  static final class PeerCodec implements KeyCodec<Peer> {
    @Override
    public int size() {
      return 8;
    }

    @Override
    public void encode(Peer key, ByteBuffer out) {
      out.putInt(0, key.ip());
      out.putShort(4, key.port());
    }

    @Override
    public Peer decode(ByteBuffer in) {
      return new Peer(in.getInt(0), in.getShort(4));
    }
  }

  private static BpfObject loadHash(int keySize) {
    return BpfObject.load(
        new ObjectSpec("GPL", List.of(TestSpecs.sockhash(HASH, keySize, 8)), List.of()));
  }

  @KernelTest
  void intKeysPutListLookUpAndRemove() {
    try (BpfObject object = loadHash(4);
        LoopbackPair pair = LoopbackPair.open()) {
      SockHashHandle<Integer> hash = new SockHashHandle<>(object.map(HASH), KeyCodec.INT);

      hash.put(7, pair.accepted());
      hash.put(-42, pair.client());

      assertEquals(Set.of(7, -42), new HashSet<>(hash.keys()));
      assertEquals(OptionalLong.of(Sockets.cookie(pair.accepted())), hash.cookie(7));
      assertEquals(OptionalLong.of(Sockets.cookie(pair.client())), hash.cookie(-42));
      assertFalse(hash.contains(8));
      assertTrue(hash.remove(7));
      assertFalse(hash.remove(7));
      assertEquals(List.of(-42), hash.keys());
    }
  }

  @KernelTest
  void recordKeysRoundTripThroughTheKernel() {
    try (BpfObject object = loadHash(8);
        LoopbackPair pair = LoopbackPair.open()) {
      SockHashHandle<Peer> hash = new SockHashHandle<>(object.map(HASH), PEER);
      Peer peer = new Peer(0x7f000001, (short) 8080);

      hash.put(peer, Sockets.fd(pair.accepted()));

      assertEquals(List.of(peer), hash.keys());
      assertTrue(hash.contains(peer));
      assertFalse(hash.contains(new Peer(0x7f000001, (short) 8081)));
      byte[] rawKey = object.map(HASH).nextKey(null);
      assertEquals(
          ByteBuffer.allocate(8)
              .order(ByteOrder.nativeOrder())
              .putInt(0x7f000001)
              .putShort((short) 8080)
              .rewind(),
          ByteBuffer.wrap(rawKey).order(ByteOrder.nativeOrder()),
          "the key's bytes are the C layout in native order, padding zeroed");
    }
  }

  @KernelTest
  void unconnectedSocketIsRefusedNamingItsState() throws Exception {
    try (BpfObject object = loadHash(8);
        SocketChannel unconnected = SocketChannel.open()) {
      SockHashHandle<Long> hash = new SockHashHandle<>(object.map(HASH), KeyCodec.LONG);
      BpfException e = assertThrows(BpfException.class, () -> hash.put(1L, unconnected));
      assertTrue(e.getMessage().contains("in state CLOSE"), e.getMessage());
      assertTrue(hash.keys().isEmpty());
    }
  }

  @KernelTest
  void putAllStoresNothingWhenTheKernelRefusesOneSocket() throws Exception {
    try (BpfObject object = loadHash(8);
        LoopbackPair pair = LoopbackPair.open();
        SocketChannel unconnected = SocketChannel.open()) {
      SockHashHandle<Long> hash = new SockHashHandle<>(object.map(HASH), KeyCodec.LONG);
      Map<Long, SocketChannel> sockets = new LinkedHashMap<>();
      sockets.put(1L, pair.accepted());
      sockets.put(2L, unconnected);
      BpfException e = assertThrows(BpfException.class, () -> hash.putAll(sockets));
      assertTrue(
          e.getMessage().contains("[2]") && e.getMessage().contains("in state CLOSE"),
          e.getMessage());
      assertTrue(hash.keys().isEmpty(), "the socket stored first was removed again");

      sockets.remove(2L);
      hash.putAll(sockets);
      assertEquals(List.of(1L), hash.keys());
    }
  }

  @KernelTest
  void keySizeMustMatchTheCodec() {
    try (BpfObject object = loadHash(8)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new SockHashHandle<>(object.map(HASH), KeyCodec.INT));
      assertEquals(
          "SOCKHASH " + HASH + " has 8-byte keys but KeyCodec.INT encodes 4 bytes", e.getMessage());
    }
  }

  @KernelTest
  void conditionalPutsFollowTheKernelFlags() {
    try (BpfObject object = loadHash(8);
        LoopbackPair pair = LoopbackPair.open()) {
      SockHashHandle<Peer> hash = new SockHashHandle<>(object.map(HASH), PEER);
      Peer peer = new Peer(1, (short) 2);
      assertFalse(hash.replace(peer, pair.accepted()));
      assertEquals(0, hash.size());
      assertTrue(hash.putIfAbsent(peer, pair.accepted()));
      assertFalse(hash.putIfAbsent(peer, pair.client()));
      assertEquals(OptionalLong.of(Sockets.cookie(pair.accepted())), hash.cookie(peer));
      assertTrue(hash.replace(peer, pair.client()));
      assertEquals(OptionalLong.of(Sockets.cookie(pair.client())), hash.cookie(peer));
      assertEquals(1, hash.size());
      assertTrue(hash.remove(peer));
      assertEquals(0, hash.size());
    }
  }

  @KernelTest
  void fourByteValuesListKeysAndAnswerContainsButNotCookies() {
    try (BpfObject object =
            BpfObject.load(
                new ObjectSpec(
                    "GPL",
                    List.of(new ObjectSpec.MapSpec(HASH, TestSpecs.SOCKHASH, 4, 4, 8, 0)),
                    List.of()));
        LoopbackPair pair = LoopbackPair.open()) {
      SockHashHandle<Integer> hash = new SockHashHandle<>(object.map(HASH), KeyCodec.INT);
      hash.put(5, pair.accepted());
      assertEquals(List.of(5), hash.keys());
      assertTrue(hash.contains(5));
      assertFalse(hash.contains(6));
      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, () -> hash.cookie(5));
      assertTrue(e.getMessage().contains("declare the map with 8-byte values"), e.getMessage());
    }
  }
}
