package io.sockmap4j.examples.bypass;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.examples.Pattern;
import io.sockmap4j.examples.bypass.Bypass.Tuple;
import io.sockmap4j.runtime.testing.KernelTest;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

class BypassTest {

  @KernelTest
  void bothDirectionsArriveByteExact() throws Exception {
    KernelCleanup.Ids ids;
    try (BypassLoader bpf = BypassLoader.attach();
        BypassDemo.Pair pair = BypassDemo.connect(bpf)) {
      ids = KernelCleanup.Ids.of(bpf.object());
      assertTrue(bpf.sockets().contains(Tuple.of(pair.client())));
      assertTrue(bpf.sockets().contains(Tuple.of(pair.server())));
      Pattern pattern = new Pattern(3);
      for (int size : new int[] {1, 100, 4096, 65_536}) {
        byte[] message = new byte[size];
        pattern.fill(size, message, 0, size);
        pair.client().write(ByteBuffer.wrap(message));
        assertArrayEquals(message, BypassDemo.readFully(pair.server(), size), "to server, " + size);
        pair.server().write(ByteBuffer.wrap(message));
        assertArrayEquals(message, BypassDemo.readFully(pair.client(), size), "to client, " + size);
      }
    }
    KernelCleanup.assertFreed(ids);
  }

  /**
   * Proof that the program, not TCP, delivers the bytes, and that the record key built in the
   * kernel matches the one encoded in Java: a second connection's server socket is stored under the
   * first connection's server tuple, so the first client's bytes land on a socket no TCP segment
   * could reach.
   */
  @KernelTest
  void bytesGoWhereTheKeyComputedInTheKernelPoints() throws Exception {
    try (BypassLoader bpf = BypassLoader.attach();
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      try (SocketChannel client1 = connect(listener);
          SocketChannel server1 = listener.accept();
          SocketChannel client2 = connect(listener);
          SocketChannel server2 = listener.accept()) {
        bpf.sockets().put(Tuple.of(client1), client1);
        bpf.sockets().put(Tuple.of(server1), server2); // deliberately cross-wired
        byte[] message = "for server1, by TCP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        client1.write(ByteBuffer.wrap(message));
        assertArrayEquals(message, BypassDemo.readFully(server2, message.length));
        server1.configureBlocking(false);
        assertEquals(0, server1.read(ByteBuffer.allocate(64)), "server1 got bytes through TCP");
      }
    }
  }

  private static SocketChannel connect(ServerSocketChannel listener) throws Exception {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.INET);
    channel.connect(listener.getLocalAddress());
    return channel;
  }
}
