package io.sockmap4j.examples.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.examples.Pattern;
import io.sockmap4j.examples.Traffic;
import io.sockmap4j.examples.net.PlainEchoServer;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

class SpliceProxyTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  @KernelTest
  void carriesTenMebibytesEachWayAcrossFiftyConcurrentConnections() throws Exception {
    int connections = 50;
    long bytes = 10L << 20;
    KernelCleanup.Ids ids;
    try (PlainEchoServer backend = PlainEchoServer.start(LOOPBACK);
        SpliceProxy proxy = SpliceProxy.start(LOOPBACK, backend.address())) {
      ids = KernelCleanup.Ids.of(proxy.bpf().object());
      ExecutorService clients = Executors.newFixedThreadPool(connections);
      try {
        List<Future<Traffic.Result>> results = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
          long seed = i;
          results.add(clients.submit(() -> Traffic.echo(proxy.address(), bytes, seed)));
        }
        for (int i = 0; i < connections; i++) {
          Traffic.Result r = results.get(i).get(120, TimeUnit.SECONDS);
          assertEquals(bytes, r.sent(), "connection " + i + " sent");
          assertEquals(bytes, r.received(), "connection " + i + " received");
          assertTrue(r.byteExact(), "connection " + i + " first mismatch at " + r.firstMismatch());
        }
      } finally {
        clients.shutdownNow();
      }
      assertEquals(connections, proxy.acceptedConnections());
      awaitSplicedPairs(proxy, 0);
      assertEquals(0, proxy.bytesHandledByJava(), "bytes went through Java");
    }
    KernelCleanup.assertFreed(ids);
  }

  /**
   * The kernel does not run the verdict on bytes that arrived before a socket was inserted; put()
   * re-runs the socket's data-ready callback so they are spliced too, ahead of newer bytes.
   */
  @KernelTest
  void bytesSentBeforeTheSpliceArriveFirstAndIntact() throws Exception {
    byte[] early = new byte[1000];
    for (int i = 0; i < early.length; i++) {
      early[i] = (byte) (i * 31 + 7);
    }
    byte[] late =
        "and these came after the splice".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (PlainEchoServer backend = PlainEchoServer.start(LOOPBACK);
        SpliceLoader bpf = SpliceLoader.attach();
        ServerSocketChannel listener = ServerSocketChannel.open()) {
      listener.bind(LOOPBACK);
      try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
          SocketChannel accepted = listener.accept();
          SocketChannel toBackend = SocketChannel.open(backend.address())) {
        client.write(ByteBuffer.wrap(early));
        waitUntilReadable(accepted, early.length);
        SpliceProxy.splice(bpf, accepted, toBackend);
        client.write(ByteBuffer.wrap(late));
        InputStream in = client.socket().getInputStream();
        client.socket().setSoTimeout(10_000);
        assertArrayEquals(early, in.readNBytes(early.length), "early bytes");
        assertArrayEquals(late, in.readNBytes(late.length), "late bytes");
      }
    }
  }

  /** HTTP/1.0 style: the backend reads a request, answers, and closes at once. */
  @KernelTest
  void anAnswerFollowedByAnImmediateCloseArrivesWhole() throws Exception {
    byte[] answer = new byte[256 * 1024];
    new Pattern(11).fill(0, answer, 0, answer.length);
    try (OneShotBackend backend =
            OneShotBackend.start(
                socket -> {
                  socket.getInputStream().readNBytes(100);
                  socket.getOutputStream().write(answer);
                });
        SpliceProxy proxy = SpliceProxy.start(LOOPBACK, backend.address())) {
      for (int i = 0; i < 20; i++) {
        try (Socket client = new Socket()) {
          client.connect(proxy.address(), 5_000);
          client.setSoTimeout(10_000);
          client.getOutputStream().write(new byte[100]);
          assertArrayEquals(answer, client.getInputStream().readAllBytes(), "round " + i);
        }
      }
    }
  }

  /**
   * A backend that speaks first and closes before the proxy can splice: the kernel refuses a socket
   * in CLOSE_WAIT, and the proxy relays that pair in Java instead of dropping the banner.
   */
  @KernelTest
  void aBannerFromABackendThatClosedAtOnceStillArrives() throws Exception {
    byte[] banner = "220 hello and goodbye\r\n".getBytes(StandardCharsets.US_ASCII);
    try (OneShotBackend backend =
            OneShotBackend.start(socket -> socket.getOutputStream().write(banner));
        SpliceProxy proxy = SpliceProxy.start(LOOPBACK, backend.address())) {
      for (int i = 0; i < 20; i++) {
        try (Socket client = new Socket()) {
          client.connect(proxy.address(), 5_000);
          client.setSoTimeout(10_000);
          assertArrayEquals(banner, client.getInputStream().readAllBytes(), "round " + i);
        }
      }
    }
  }

  /** The client half-closes; the backend sees end-of-stream and still answers through the proxy. */
  @KernelTest
  void endOfStreamIsForwardedToTheBackend() throws Exception {
    try (OneShotBackend backend =
            OneShotBackend.start(
                socket -> {
                  byte[] request = socket.getInputStream().readAllBytes(); // needs the client's FIN
                  socket
                      .getOutputStream()
                      .write(("got " + request.length).getBytes(StandardCharsets.US_ASCII));
                });
        SpliceProxy proxy = SpliceProxy.start(LOOPBACK, backend.address())) {
      try (Socket client = new Socket()) {
        client.connect(proxy.address(), 5_000);
        client.setSoTimeout(10_000);
        client.getOutputStream().write(new byte[12_345]);
        awaitSplicedPairs(proxy, 1); // a FIN that arrives before the splice takes the relay path
        client.shutdownOutput();
        assertEquals(
            "got 12345",
            new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
      }
      awaitSplicedPairs(proxy, 0);
      assertEquals(0, proxy.bytesHandledByJava());
    }
  }

  /**
   * A client that closes with its answer still on the way resets its connection when the answer
   * arrives: the proxy's socket to it is then over and acknowledges nothing more. The pair must be
   * released at once, not after the end-of-stream drain's 10 s limit (thousands of such pairs left
   * polling by a benchmark slowed every later run).
   */
  @KernelTest
  void aPairWhoseClientResetItIsReleasedWithoutWaitingForAcks() throws Exception {
    byte[] answer = new byte[64 * 1024];
    try (OneShotBackend backend =
            OneShotBackend.start(
                socket -> {
                  socket.getInputStream().readAllBytes(); // the request, then the client's FIN
                  socket.getOutputStream().write(answer); // reaches a closed client: reset
                });
        SpliceProxy proxy = SpliceProxy.start(LOOPBACK, backend.address())) {
      try (Socket client = new Socket()) {
        client.connect(proxy.address(), 5_000);
        client.getOutputStream().write(new byte[100]);
        awaitSplicedPairs(proxy, 1);
      } // closed without reading: the answer makes its kernel reset the connection
      long start = System.nanoTime();
      awaitSplicedPairs(proxy, 0);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 5_000, "the pair was released after " + millis + " ms");
      assertEquals(0, proxy.bytesHandledByJava());
    }
  }

  /** Waits until exactly {@code pairs} pairs are spliced (0: all closed and out of the map). */
  private static void awaitSplicedPairs(SpliceProxy proxy, int pairs) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (proxy.bpf().spliced().keys().size() != 2 * pairs) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected "
                + pairs
                + " spliced pairs after 5 s, found "
                + proxy.bpf().spliced().keys().size() / 2);
      }
      Thread.sleep(5);
    }
  }

  private static void waitUntilReadable(SocketChannel channel, int bytes) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (channel.socket().getInputStream().available() < bytes) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the early bytes never reached the accepted socket");
      }
      Thread.sleep(5);
    }
  }
}
