package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.LoopbackPair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * File descriptors read from every kind of JDK socket, each checked against the kernel's own view:
 * {@code /proc/self/fd/N} names the socket inode, {@code /proc/net/tcp} its local port.
 */
@ExtendWith(KernelLeakCheck.class)
class SocketsTest {

  private static final InetSocketAddress LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  @Test
  void readsTheFdsOfChannels() throws IOException {
    try (LoopbackPair pair = LoopbackPair.open()) {
      int serverPort = pair.server().socket().getLocalPort();
      assertEquals(serverPort, localPortOf(Sockets.fd(pair.server())));
      assertEquals(serverPort, localPortOf(Sockets.fd(pair.accepted())));
      assertEquals(serverPort, localPortOf(Sockets.fd(pair.accepted().socket())));
    }
  }

  @Test
  void readsTheFdsOfPlainSockets() throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(LOOPBACK);
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
          Socket accepted = server.accept()) {
        assertEquals(server.getLocalPort(), localPortOf(Sockets.fd(server)));
        assertEquals(client.getLocalPort(), localPortOf(Sockets.fd(client)));
        assertEquals(server.getLocalPort(), localPortOf(Sockets.fd(accepted)));
        assertNotEquals(Sockets.fd(client), Sockets.fd(accepted));
      }
    }
  }

  @Test
  void refusesClosedAndUnboundSockets() throws IOException {
    SocketChannel channel = SocketChannel.open();
    channel.close();
    assertThrows(IllegalArgumentException.class, () -> Sockets.fd(channel));
    Socket closed = new Socket();
    closed.close();
    assertThrows(IllegalArgumentException.class, () -> Sockets.fd(closed));
    try (Socket unbound = new Socket()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Sockets.fd(unbound));
      assertTrue(e.getMessage().contains("no file descriptor"), e.getMessage());
    }
  }

  @Test
  void cookiesIdentifySockets() throws IOException {
    try (LoopbackPair pair = LoopbackPair.open();
        ServerSocketChannel other = ServerSocketChannel.open().bind(LOOPBACK)) {
      long accepted = Sockets.cookie(pair.accepted());
      assertEquals(accepted, Sockets.cookie(Sockets.fd(pair.accepted())));
      assertEquals(accepted, Sockets.cookie(pair.accepted().socket()));
      assertNotEquals(accepted, Sockets.cookie(pair.client()));
      assertNotEquals(accepted, Sockets.cookie(Sockets.fd(other)));
    }
  }

  @Test
  void cookieOfAClosedFdNamesTheProblem() {
    int unused = 0x7fff;
    BpfException e = assertThrows(BpfException.class, () -> Sockets.cookie(unused));
    assertEquals("EBADF", e.errnoName());
    assertEquals("getsockopt SO_COOKIE on fd 32767", e.operation());
    assertTrue(e.getMessage().contains("fd 32767 is not open"), e.getMessage());
  }

  @KernelTest
  void cookieEqualsTheSockmapLookup() {
    String name = TestNames.of("ksocks");
    try (BpfObject object =
            BpfObject.load(new ObjectSpec("GPL", List.of(TestSpecs.sockmap(name, 1)), List.of()));
        LoopbackPair pair = LoopbackPair.open()) {
      SockMapHandle socks = new SockMapHandle(object.map(name));
      socks.put(0, pair.client());
      assertEquals(OptionalLong.of(Sockets.cookie(pair.client())), socks.cookie(0));
    }
  }

  @Test
  void kickingASocketOutsideAnyMapIsHarmless() throws IOException {
    try (LoopbackPair pair = LoopbackPair.open()) {
      pair.client().getOutputStream().write(42);
      Sockets.kick(Sockets.fd(pair.accepted()));
      pair.accepted().socket().setSoTimeout(5000);
      assertEquals(42, pair.accepted().socket().getInputStream().read());
    }
  }

  /**
   * A connection is over once the peer resets it (close with SO_LINGER 0 sends RST), not while it
   * is open nor after a mere FIN; TCP_INFO and SO_ERROR are read from reused buffers, so reading
   * them between other calls must give each socket its own answer.
   */
  @Test
  void aResetConnectionIsOverAndAHalfClosedOneIsNot() throws Exception {
    try (LoopbackPair reset = LoopbackPair.open();
        LoopbackPair halfClosed = LoopbackPair.open()) {
      int resetFd = Sockets.fd(reset.accepted());
      int halfClosedFd = Sockets.fd(halfClosed.accepted());
      assertFalse(Sockets.connectionOver(resetFd));
      assertFalse(Sockets.connectionOver(halfClosedFd));

      halfClosed.client().shutdownOutput();
      reset.client().setSoLinger(true, 0);
      reset.client().close();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!(Sockets.connectionOver(resetFd) && Sockets.peerClosed(halfClosedFd))) {
        assertTrue(System.nanoTime() < deadline, "no reset or FIN seen in 5 s");
        Thread.sleep(5);
      }
      assertFalse(Sockets.connectionOver(halfClosedFd), "a FIN alone does not end a connection");
      assertEquals(104, Sockets.pendingError(resetFd), "ECONNRESET");
      assertTrue(Sockets.connectionOver(resetFd));
    }
  }

  /** The local TCP port of the socket behind {@code fd}, as the kernel reports it. */
  static int localPortOf(int fd) throws IOException {
    String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    assertTrue(link.startsWith("socket:["), "fd " + fd + " is " + link);
    String inode = link.substring("socket:[".length(), link.length() - 1);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 9 && fields[9].equals(inode)) {
          String local = fields[1];
          return Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
        }
      }
    }
    throw new AssertionError("socket inode " + inode + " of fd " + fd + " is not a TCP socket");
  }
}
