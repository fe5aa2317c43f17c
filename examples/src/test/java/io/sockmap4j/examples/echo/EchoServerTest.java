package io.sockmap4j.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.examples.Traffic;
import io.sockmap4j.runtime.testing.KernelTest;
import java.net.InetSocketAddress;

class EchoServerTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  @KernelTest
  void theKernelEchoesOneMebibyteByteExactWhileJavaReadsNothing() throws Exception {
    KernelCleanup.Ids ids;
    try (EchoServer server = EchoServer.start(LOOPBACK)) {
      ids = KernelCleanup.Ids.of(server.bpf().object());
      assertEquals(2, ids.programs().size(), "parser and verdict loaded");
      Traffic.Result result = Traffic.echo(server.address(), 1 << 20, 7);
      assertEquals(1 << 20, result.received());
      assertTrue(result.byteExact(), "first mismatch at byte " + result.firstMismatch());
      awaitAllClosed(server);
      assertEquals(0, server.unsplicedBytes(), "bytes were left for Java");
    }
    KernelCleanup.assertFreed(ids);
  }

  /** Closed sockets leave the map once the server has seen their end and closed them. */
  private static void awaitAllClosed(EchoServer server) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!server.bpf().sockets().keys().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server never closed " + server.bpf().sockets().keys());
      }
      Thread.sleep(5);
    }
  }

  @KernelTest
  void echoesSeveralClientsOneAfterAnother() throws Exception {
    try (EchoServer server = EchoServer.start(LOOPBACK)) {
      for (int i = 0; i < 5; i++) {
        Traffic.Result result = Traffic.echo(server.address(), 10_000 + i, i);
        assertTrue(result.byteExact(), "client " + i + ": " + result);
      }
      awaitAllClosed(server);
      assertEquals(0, server.unsplicedBytes());
    }
  }
}
