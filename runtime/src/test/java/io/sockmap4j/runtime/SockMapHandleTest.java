package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.LoopbackPair;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.extension.ExtendWith;

/** Putting real loopback sockets into a SOCKMAP, and the kernel's refusals explained. */
@ExtendWith(KernelLeakCheck.class)
class SockMapHandleTest {

  private static final String SOCKS = TestNames.of("socks");
  private static final String OTHER = TestNames.of("other");

  private static BpfObject loadSockmap(String name) {
    return BpfObject.load(new ObjectSpec("GPL", List.of(TestSpecs.sockmap(name, 4)), List.of()));
  }

  @KernelTest
  void putsConnectedSocketsAndReadsTheirCookies() {
    try (BpfObject object = loadSockmap(SOCKS);
        LoopbackPair pair = LoopbackPair.open()) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));

      socks.put(0, pair.accepted());
      socks.put(2, pair.client());

      assertEquals(OptionalLong.of(Sockets.cookie(pair.accepted())), socks.cookie(0));
      assertEquals(OptionalLong.of(Sockets.cookie(pair.client())), socks.cookie(2));
      assertNotEquals(socks.cookie(0), socks.cookie(2));
      assertTrue(socks.contains(0));
      assertFalse(socks.contains(1));
      assertEquals(OptionalLong.empty(), socks.cookie(1));

      assertTrue(socks.remove(0));
      assertFalse(socks.remove(0));
      assertFalse(socks.contains(0));
      assertFalse(socks.remove(4), "an index outside the map holds nothing");
    }
  }

  @KernelTest
  void replacingAnIndexStoresTheNewSocket() {
    try (BpfObject object = loadSockmap(SOCKS);
        LoopbackPair pair = LoopbackPair.open()) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      socks.put(1, pair.accepted());
      socks.put(1, Sockets.fd(pair.client()));
      assertEquals(OptionalLong.of(Sockets.cookie(pair.client())), socks.cookie(1));
    }
  }

  @KernelTest
  void closedSocketsLeaveTheMap() throws Exception {
    try (BpfObject object = loadSockmap(SOCKS);
        LoopbackPair pair = LoopbackPair.open()) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      socks.put(3, pair.client());
      pair.client().close();
      assertFalse(socks.contains(3));
    }
  }

  @KernelTest
  void listeningSocketsAreAccepted() throws Exception {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (BpfObject object = loadSockmap(SOCKS);
        ServerSocketChannel channel = ServerSocketChannel.open().bind(loopback);
        ServerSocket socket = new ServerSocket()) {
      socket.bind(loopback);
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      socks.put(0, channel);
      socks.put(1, socket);
      assertTrue(socks.contains(0));
      assertTrue(socks.contains(1));
    }
  }

  @KernelTest
  void unconnectedSocketIsRefusedNamingItsState() throws Exception {
    try (BpfObject object = loadSockmap(SOCKS);
        SocketChannel unconnected = SocketChannel.open()) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      int fd = Sockets.fd(unconnected);
      BpfException e = assertThrows(BpfException.class, () -> socks.put(0, unconnected));
      assertEquals("EOPNOTSUPP", e.errnoName());
      assertTrue(
          e.getMessage()
              .contains(
                  "a TCP socket must be connected (ESTABLISHED) or listening (LISTEN); fd "
                      + fd
                      + " is a TCP/IPv"),
          e.getMessage());
      assertTrue(
          e.getMessage()
              .contains(
                  " socket in state CLOSE: it is not connected (never connected, or already"
                      + " closed): connect it first"),
          e.getMessage());
      assertTrue(e.getMessage().startsWith("put fd " + fd + " into SOCKMAP " + SOCKS + "[0]"));
      assertFalse(socks.contains(0));
    }
  }

  @KernelTest
  void indexOutOfRangeIsExplained() {
    try (BpfObject object = loadSockmap(SOCKS);
        LoopbackPair pair = LoopbackPair.open()) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      BpfException e = assertThrows(BpfException.class, () -> socks.put(4, pair.accepted()));
      assertEquals("E2BIG", e.errnoName());
      assertTrue(e.getMessage().contains("index 4 is out of range"), e.getMessage());
      assertTrue(e.getMessage().contains("(indexes 0..3)"), e.getMessage());
    }
  }

  @KernelTest
  void socketCarryingAnotherMapsProgramsIsRefused() {
    ObjectSpec first =
        new ObjectSpec(
            "GPL",
            List.of(TestSpecs.sockmap(SOCKS, 1)),
            List.of(TestSpecs.pass(TestNames.of("pass1"), TestSpecs.SK_SKB, 5, 0)));
    ObjectSpec second =
        new ObjectSpec(
            "GPL",
            List.of(TestSpecs.sockmap(OTHER, 1)),
            List.of(TestSpecs.pass(TestNames.of("pass2"), TestSpecs.SK_SKB, 5, 0)));
    try (BpfObject one = BpfObject.load(first);
        BpfObject two = BpfObject.load(second);
        LoopbackPair pair = LoopbackPair.open()) {
      new SockMapHandle(one.map(SOCKS)).put(0, pair.accepted());
      SockMapHandle other = new SockMapHandle(two.map(OTHER));
      BpfException e = assertThrows(BpfException.class, () -> other.put(0, pair.accepted()));
      assertEquals("EBUSY", e.errnoName());
      assertTrue(
          e.getMessage()
              .contains(
                  "socket in state ESTABLISHED that already carries a program of a kind "
                      + OTHER
                      + " attaches: it is in another map that has programs of the same kind"
                      + " attached"),
          e.getMessage());
    }
  }

  @KernelTest
  void fourByteValuesTakeSocketsButCannotAnswerLookups() {
    ObjectSpec spec =
        new ObjectSpec(
            "GPL",
            List.of(new ObjectSpec.MapSpec(SOCKS, TestSpecs.SOCKMAP, 4, 4, 2, 0)),
            List.of());
    try (BpfObject object = BpfObject.load(spec);
        LoopbackPair pair = LoopbackPair.open()) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      socks.put(1, pair.accepted());
      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, () -> socks.contains(1));
      assertTrue(e.getMessage().contains("declare the map with 8-byte values"), e.getMessage());
      assertTrue(socks.remove(1));
    }
  }

  @KernelTest
  void refusesMapsOfAnotherType() {
    String hashName = TestNames.of("hash");
    try (BpfObject object =
        BpfObject.load(
            new ObjectSpec("GPL", List.of(TestSpecs.sockhash(hashName, 4, 4)), List.of()))) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> new SockMapHandle(object.map(hashName)));
      assertEquals("map " + hashName + " has type 18, not SOCKMAP (15)", e.getMessage());
    }
  }

  @KernelTest
  void conditionalPutsFollowTheKernelFlags() {
    try (BpfObject object = loadSockmap(SOCKS);
        LoopbackPair pair = LoopbackPair.open()) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      long accepted = Sockets.cookie(pair.accepted());
      long client = Sockets.cookie(pair.client());

      assertFalse(socks.replace(1, pair.accepted()), "BPF_EXIST on an empty index");
      assertFalse(socks.contains(1));
      assertTrue(socks.putIfAbsent(1, pair.accepted()));
      assertFalse(socks.putIfAbsent(1, pair.client()), "BPF_NOEXIST on a taken index");
      assertEquals(OptionalLong.of(accepted), socks.cookie(1));
      assertTrue(socks.replace(1, pair.client()));
      assertEquals(OptionalLong.of(client), socks.cookie(1));

      BpfException e =
          assertThrows(BpfException.class, () -> socks.putIfAbsent(9, pair.accepted()));
      assertEquals("E2BIG", e.errnoName(), "conditional puts still report real refusals");
    }
  }

  @KernelTest
  void indexesAndSizeCountOnlyOccupiedSlots() {
    try (BpfObject object = loadSockmap(SOCKS);
        LoopbackPair pair = LoopbackPair.open()) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      assertEquals(List.of(), socks.indexes());
      assertEquals(0, socks.size());
      assertTrue(
          object.map(SOCKS).nextKey(null) != null,
          "the kernel's iteration lists empty SOCKMAP indexes too, which indexes() must skip");
      socks.put(3, pair.accepted());
      socks.put(1, pair.client());
      assertEquals(List.of(1, 3), socks.indexes());
      assertEquals(2, socks.size());
      socks.remove(3);
      assertEquals(List.of(1), socks.indexes());
    }
  }

  @KernelTest
  void fourByteValuesCannotListSockets() {
    ObjectSpec spec =
        new ObjectSpec(
            "GPL",
            List.of(new ObjectSpec.MapSpec(SOCKS, TestSpecs.SOCKMAP, 4, 4, 2, 0)),
            List.of());
    try (BpfObject object = BpfObject.load(spec)) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, socks::indexes);
      assertTrue(
          e.getMessage().contains("to tell which indexes hold a socket the kernel needs 8-byte"),
          e.getMessage());
    }
  }

  @KernelTest
  void acceptsAnyMapOfSocketsForPutAll() throws Exception {
    try (BpfObject object = loadSockmap(SOCKS);
        LoopbackPair pair = LoopbackPair.open()) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      socks.putAll(java.util.Map.of(0, pair.accepted(), 1, pair.client()));
      assertEquals(OptionalLong.of(Sockets.cookie(pair.client())), socks.cookie(1));
    }
  }
}
