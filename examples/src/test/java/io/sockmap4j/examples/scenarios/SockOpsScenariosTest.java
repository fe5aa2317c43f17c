package io.sockmap4j.examples.scenarios;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.Channels;
import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.examples.Pattern;
import io.sockmap4j.examples.sidecar.Sidecar.Tuple;
import io.sockmap4j.examples.sidecar.SidecarLoader;
import io.sockmap4j.runtime.AttachOptions;
import io.sockmap4j.runtime.BpfStats;
import io.sockmap4j.runtime.Sockets;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.TestCgroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * The kernel selftest scenario "sock_ops auto-insertion feeding an SK_MSG ingress bypass between
 * two local sockets", with the programs of the sidecar example ({@link
 * io.sockmap4j.examples.sidecar.Sidecar}), on a child cgroup of this test's own: the JVM joins the
 * cgroup only while it opens the sockets (a socket belongs to the cgroup of the task that created
 * it), and the cgroup is removed afterwards.
 */
class SockOpsScenariosTest {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Both ends of a connection made in the cgroup are in the map without any Java put, under the
   * tuples Java computes, holding their own sockets; bytes in both directions arrive byte-exact;
   * and they did not cross TCP: the sender's {@code bytes_acked} does not move while the bypass
   * program runs once per send.
   */
  @KernelTest
  void sockOpsInsertsConnectionsAndSkMsgBypassesTcp() throws Exception {
    KernelCleanup.Ids ids;
    TestCgroup cgroup = TestCgroup.create();
    try (cgroup;
        SidecarLoader bpf = SidecarLoader.attach(AttachOptions.defaults().cgroup(cgroup.path()));
        ServerSocketChannel listener = cgroup.runInside(SockOpsScenariosTest::listen);
        SocketChannel client = cgroup.runInside(() -> connect(listener));
        SocketChannel server = listener.accept();
        BpfStats stats = BpfStats.enable()) {
      ids = KernelCleanup.Ids.of(bpf.object());
      assertTrue(cgroup.processes().isEmpty(), "the JVM left the cgroup");
      Tuple clientTuple = tuple(client);
      Tuple serverTuple = tuple(server);
      assertEquals(2, bpf.connections().size(), "keys " + bpf.connections().keys());
      assertEquals(OptionalLong.of(Sockets.cookie(client)), bpf.connections().cookie(clientTuple));
      assertEquals(OptionalLong.of(Sockets.cookie(server)), bpf.connections().cookie(serverTuple));

      long ackedBefore = Sockets.bytesAcked(Sockets.fd(client));
      long runsBefore = bpf.object().programStats("bypass").runCount();
      Pattern pattern = new Pattern(5);
      int sends = 0;
      for (int size : new int[] {1, 100, 4096, 65_536}) {
        byte[] message = new byte[size];
        pattern.fill(size, message, 0, size);
        Channels.writeFully(client, message);
        assertArrayEquals(
            message, Channels.readExactly(server, size, READ_TIMEOUT), "client to server, " + size);
        Channels.writeFully(server, message);
        assertArrayEquals(
            message, Channels.readExactly(client, size, READ_TIMEOUT), "server to client, " + size);
        sends += 2;
      }
      assertEquals(ackedBefore, Sockets.bytesAcked(Sockets.fd(client)), "no byte went over TCP");
      long runs = bpf.object().programStats("bypass").runCount() - runsBefore;
      assertTrue(
          runs >= sends, "the SK_MSG verdict ran " + runs + " times for " + sends + " sends");
    }
    assertFalse(Files.exists(cgroup.path()), "the test cgroup is removed");
    KernelCleanup.assertFreed(ids);
  }

  /** A connection made outside the cgroup is not inserted, and TCP carries its bytes. */
  @KernelTest
  void connectionsOutsideTheCgroupKeepUsingTcp() throws Exception {
    try (TestCgroup cgroup = TestCgroup.create();
        SidecarLoader bpf = SidecarLoader.attach(AttachOptions.defaults().cgroup(cgroup.path()));
        ServerSocketChannel listener = listen();
        SocketChannel client = connect(listener);
        SocketChannel server = listener.accept()) {
      assertEquals(List.of(), bpf.connections().keys());
      byte[] message = "by TCP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Channels.writeFully(client, message);
      assertArrayEquals(message, Channels.readExactly(server, message.length, READ_TIMEOUT));
      awaitAcked(client, message.length);
    }
  }

  private static ServerSocketChannel listen() throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
    listener.bind(new InetSocketAddress("127.0.0.1", 0));
    return listener;
  }

  private static SocketChannel connect(ServerSocketChannel listener) throws IOException {
    SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET);
    client.connect(listener.getLocalAddress());
    return client;
  }

  private static Tuple tuple(SocketChannel channel) throws IOException {
    InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
    InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
    return new Tuple(
        ByteBuffer.wrap(local.getAddress().getAddress()).getInt(),
        ByteBuffer.wrap(remote.getAddress().getAddress()).getInt(),
        local.getPort(),
        remote.getPort());
  }

  private static void awaitAcked(SocketChannel channel, long bytes) throws Exception {
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (Sockets.bytesAcked(Sockets.fd(channel)) < bytes) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("TCP did not carry the bytes");
      }
      Thread.sleep(1);
    }
  }
}
