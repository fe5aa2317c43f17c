package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sockmap4j.runtime.internal.JdkSocketFds;
import io.sockmap4j.runtime.internal.SocketOptions;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.LoopbackPair;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of socket a Java program holds, put into real maps on the running kernel: inserted
 * (and found again by its cookie), or refused with a message naming the socket's state and the fix.
 * The refusals asserted here are what Linux 6.18 answers (see {@code InsertAdvice}).
 */
@ExtendWith(KernelLeakCheck.class)
class SocketKindsTest {

  private static final String SOCKS = TestNames.of("kinds");
  private static final String OTHER = TestNames.of("kinds2");
  private static final InetSocketAddress LOOPBACK4 =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  private static final InetSocketAddress LOOPBACK6 = new InetSocketAddress("::1", 0);

  @TempDir Path dir;

  private static BpfObject plainMap() {
    return BpfObject.load(new ObjectSpec("GPL", List.of(TestSpecs.sockmap(SOCKS, 8)), List.of()));
  }

  /** A map with a stream verdict (and, if asked, a stream parser) attached. */
  private static BpfObject mapWithPrograms(String name, boolean parser) {
    List<ObjectSpec.ProgramSpec> programs = new ArrayList<>();
    if (parser) {
      programs.add(TestSpecs.lengthParser(TestNames.of("parse"), 0));
    }
    programs.add(TestSpecs.pass(TestNames.of("verdict"), TestSpecs.SK_SKB, 5, 0));
    return BpfObject.load(new ObjectSpec("GPL", List.of(TestSpecs.sockmap(name, 8)), programs));
  }

  /** Puts {@code socket} at {@code index} and checks the map holds exactly that socket. */
  private static void assertInserted(SockMapHandle socks, int index, Object socket) {
    int fd = Sockets.fd(socket);
    socks.put(index, fd);
    assertEquals(OptionalLong.of(Sockets.cookie(socket)), socks.cookie(index), () -> "" + socket);
  }

  private static BpfException assertRefused(String errno, Executable put, String... phrases) {
    BpfException e = assertThrows(BpfException.class, put);
    assertEquals(errno, e.errnoName(), e.getMessage());
    for (String phrase : phrases) {
      assertTrue(e.getMessage().contains(phrase), () -> "missing <" + phrase + "> in " + e);
    }
    return e;
  }

  @KernelTest
  void tcpSocketsInEveryJdkForm() throws Exception {
    try (BpfObject object = plainMap();
        LoopbackPair pair = LoopbackPair.open();
        ServerSocket plainServer = new ServerSocket()) {
      plainServer.bind(LOOPBACK4);
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      assertInserted(socks, 0, pair.accepted()); // SocketChannel
      assertInserted(socks, 1, pair.client()); // Socket without a channel
      assertInserted(socks, 2, pair.server()); // listening ServerSocketChannel
      assertInserted(socks, 3, plainServer); // listening ServerSocket without a channel
      try (Socket client =
              new Socket(InetAddress.getLoopbackAddress(), plainServer.getLocalPort());
          Socket accepted = plainServer.accept()) {
        assertInserted(socks, 4, accepted);
        socks.put(5, client); // the typed overload
        assertEquals(OptionalLong.of(Sockets.cookie(client)), socks.cookie(5));
      }
      try (ServerSocketChannel server6 = ServerSocketChannel.open().bind(LOOPBACK6);
          SocketChannel client6 = SocketChannel.open(server6.getLocalAddress());
          SocketChannel accepted6 = server6.accept()) {
        assertInserted(socks, 6, client6);
        assertInserted(socks, 7, accepted6);
      }
    }
  }

  @KernelTest
  void udpSocketsBoundOrConnected() throws Exception {
    try (BpfObject object = plainMap();
        DatagramChannel bound = DatagramChannel.open().bind(LOOPBACK4);
        DatagramChannel bound6 =
            DatagramChannel.open(StandardProtocolFamily.INET6).bind(LOOPBACK6);
        DatagramChannel connected = DatagramChannel.open();
        DatagramSocket plain = new DatagramSocket(LOOPBACK4)) {
      connected.connect(bound.getLocalAddress());
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      assertInserted(socks, 0, bound);
      assertInserted(socks, 1, bound6);
      assertInserted(socks, 2, connected);
      assertInserted(socks, 3, plain); // DatagramSocket, through its hidden channel
      socks.put(4, plain);
      assertEquals(socks.cookie(3), socks.cookie(4), "one socket may sit in a map twice");
    }
  }

  @KernelTest
  void unixStreamSocketsWhenConnected() throws Exception {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("s"));
    try (BpfObject object = plainMap();
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(address);
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      int serverFd = Sockets.fd(server);
      assertRefused(
          "EOPNOTSUPP",
          () -> socks.put(0, server),
          "fd " + serverFd + " is a UNIX stream socket, listening",
          "an AF_UNIX stream socket must be connected (listening ones are refused)");
      try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        int clientFd = Sockets.fd(client);
        assertRefused(
            "EOPNOTSUPP",
            () -> socks.put(0, client),
            "fd " + clientFd + " is a UNIX stream socket, not connected",
            "must be connected");
        client.connect(address);
        try (SocketChannel accepted = server.accept()) {
          assertInserted(socks, 0, client);
          assertInserted(socks, 1, accepted);
        }
      }
    } finally {
      Files.deleteIfExists(address.getPath());
    }
  }

  @KernelTest
  void unconnectedUdpIsRefused() throws Exception {
    try (BpfObject object = plainMap();
        DatagramChannel unbound = DatagramChannel.open(StandardProtocolFamily.INET)) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      int fd = Sockets.fd(unbound);
      assertRefused(
          "EOPNOTSUPP",
          () -> socks.put(0, unbound),
          "put fd " + fd + " into SOCKMAP " + SOCKS + "[0] failed: fd " + fd,
          "is a UDP/IPv4 socket, not bound: a UDP socket must be bound");
      assertFalse(socks.contains(0));
    }
  }

  @KernelTest
  void tcpSocketsThatAreNotEstablishedAreRefusedWithTheirState() throws Exception {
    try (BpfObject object = plainMap();
        LoopbackPair pair = LoopbackPair.open();
        SocketChannel unconnected = SocketChannel.open().bind(LOOPBACK4)) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      assertRefused(
          "EOPNOTSUPP",
          () -> socks.put(0, unconnected),
          "socket in state CLOSE: it is not connected");

      pair.client().shutdownOutput(); // client FIN_WAIT2, accepted CLOSE_WAIT
      awaitTcpState(Sockets.fd(pair.accepted()), "CLOSE_WAIT");
      awaitTcpState(Sockets.fd(pair.client()), "FIN_WAIT2");
      assertRefused(
          "EOPNOTSUPP",
          () -> socks.put(0, pair.client()),
          "socket in state FIN_WAIT2: its output was shut down");
      assertRefused(
          "EOPNOTSUPP",
          () -> socks.put(0, pair.accepted()),
          "socket in state CLOSE_WAIT: the peer has closed its side (FIN received)");
      assertEquals(List.of(), socks.indexes());
    }
  }

  /**
   * A SYN to a listener whose accept queue is full is dropped, so the connect stays in SYN_SENT
   * (the kernel retries for seconds).
   */
  @KernelTest
  void connectingTcpSocketIsRefusedAsStillConnecting() throws Exception {
    List<SocketChannel> clients = new ArrayList<>();
    try (BpfObject object = plainMap();
        ServerSocketChannel server = ServerSocketChannel.open().bind(LOOPBACK4, 1)) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      SocketChannel connecting = null;
      for (int i = 0; i < 8 && connecting == null; i++) {
        SocketChannel client = SocketChannel.open();
        clients.add(client);
        client.configureBlocking(false);
        client.connect(server.getLocalAddress());
        Thread.sleep(20);
        if (SocketOptions.tcpStateName(SocketOptions.tcpState(Sockets.fd(client)))
            .equals("SYN_SENT")) {
          connecting = client;
        }
      }
      assumeTrue(connecting != null, "no connect stayed in SYN_SENT against a full backlog");
      SocketChannel stuck = connecting;
      assertRefused(
          "EOPNOTSUPP", () -> socks.put(0, stuck), "in state SYN_SENT: it is still connecting");
    } finally {
      for (SocketChannel client : clients) {
        client.close();
      }
    }
  }

  @KernelTest
  void nonSocketFdsAreRefused() throws Exception {
    Pipe pipe = Pipe.open();
    try (BpfObject object = plainMap();
        Pipe.SourceChannel source = pipe.source();
        Pipe.SinkChannel sink = pipe.sink()) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      int fd = JdkSocketFds.of(source);
      assertRefused(
          "ENOTSOCK",
          () -> socks.put(0, fd),
          "fd " + fd + " is not a socket (a file, pipe or other descriptor)");
      assertRefused("EBADF", () -> socks.put(0, 0x7ffe), "fd 32766 is not open");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Sockets.fd(source));
      assertTrue(e.getMessage().contains("supported are SocketChannel"), e.getMessage());
    }
  }

  @KernelTest
  void streamParsersRefuseUdpAndUnixSockets() throws Exception {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("p"));
    try (BpfObject parsed = mapWithPrograms(SOCKS, true);
        BpfObject verdictOnly = mapWithPrograms(OTHER, false);
        DatagramChannel udp = DatagramChannel.open().bind(LOOPBACK4);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(address);
      SockMapHandle withParser = new SockMapHandle(parsed.map(SOCKS));
      SockMapHandle withVerdict = new SockMapHandle(verdictOnly.map(OTHER));
      assertRefused(
          "EOPNOTSUPP",
          () -> withParser.put(0, udp),
          "socket, bound: the map has a stream parser attached, and stream parsers"
              + " work on TCP only");
      try (SocketChannel client = SocketChannel.open(address);
          SocketChannel accepted = server.accept()) {
        assertRefused(
            "EOPNOTSUPP",
            () -> withParser.put(1, accepted),
            "is a UNIX stream socket, connected: the map has a stream parser attached");
        assertInserted(withVerdict, 1, accepted);
        assertInserted(withVerdict, 2, client);
      }
      try (DatagramChannel fresh = DatagramChannel.open().bind(LOOPBACK4)) {
        assertInserted(withVerdict, 0, fresh); // a verdict alone takes UDP (5.13+)
      }
    } finally {
      Files.deleteIfExists(address.getPath());
    }
  }

  @KernelTest
  void aSocketTakesAMapsProgramsOnce() throws Exception {
    try (BpfObject first = mapWithPrograms(SOCKS, false);
        BpfObject second = mapWithPrograms(OTHER, false);
        BpfObject plain =
            BpfObject.load(
                new ObjectSpec(
                    "GPL", List.of(TestSpecs.sockmap(TestNames.of("plain"), 2)), List.of()));
        LoopbackPair pair = LoopbackPair.open()) {
      SockMapHandle socks = new SockMapHandle(first.map(SOCKS));
      SockMapHandle other = new SockMapHandle(second.map(OTHER));
      socks.put(2, pair.accepted());
      int fd = Sockets.fd(pair.accepted());
      assertRefused(
          "EBUSY",
          () -> socks.put(3, pair.accepted()),
          "fd " + fd + " is a TCP/IPv",
          "already carries a program of a kind "
              + SOCKS
              + " attaches: it is already in "
              + SOCKS
              + " at index 2, and a map with programs takes a socket once");
      assertRefused(
          "EBUSY",
          () -> socks.put(2, pair.accepted()),
          "it is already in " + SOCKS + " at index 2");
      assertRefused(
          "EBUSY",
          () -> other.put(0, pair.accepted()),
          "it is in another map that has programs of the same kind attached");
      // a map without programs takes it: nothing to conflict with
      new SockMapHandle(plain.map(TestNames.of("plain"))).put(0, pair.accepted());
      // once out of the first map, the socket can join the second
      assertTrue(socks.remove(2));
      other.put(0, pair.accepted());
      assertTrue(other.contains(0));
    }
  }

  @KernelTest
  void fullSockhashRefusesNewKeysButReplacesOldOnes() {
    String name = TestNames.of("full");
    try (BpfObject object =
            BpfObject.load(
                new ObjectSpec("GPL", List.of(TestSpecs.sockhash(name, 8, 2)), List.of()));
        LoopbackPair one = LoopbackPair.open();
        LoopbackPair two = LoopbackPair.open()) {
      SockHashHandle<Long> hash = new SockHashHandle<>(object.map(name), KeyCodec.LONG);
      hash.put(1L, one.accepted());
      hash.put(2L, one.client());
      assertRefused(
          "E2BIG",
          () -> hash.put(3L, two.accepted()),
          "put fd " + Sockets.fd(two.accepted()) + " into SOCKHASH " + name + "[3]",
          name + " is full (max_entries 2): remove a socket first");
      hash.put(2L, two.accepted());
      assertEquals(OptionalLong.of(Sockets.cookie(two.accepted())), hash.cookie(2L));
    }
  }

  private static void awaitTcpState(int fd, String state) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (SocketOptions.tcpStateName(SocketOptions.tcpState(fd)).equals(state)) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError(
        "fd " + fd + " stayed " + SocketOptions.describe(fd) + ", expected " + state);
  }
}
