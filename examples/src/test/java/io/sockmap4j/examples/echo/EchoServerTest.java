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
      assertEquals(0, server.bytesReadByJava(), "Java read payload bytes");
    }
    KernelCleanup.assertFreed(ids);
  }

  @KernelTest
  void echoesSeveralClientsOneAfterAnother() throws Exception {
    try (EchoServer server = EchoServer.start(LOOPBACK)) {
      for (int i = 0; i < 5; i++) {
        Traffic.Result result = Traffic.echo(server.address(), 10_000 + i, i);
        assertTrue(result.byteExact(), "client " + i + ": " + result);
      }
      assertEquals(0, server.bytesReadByJava());
    }
  }
}
