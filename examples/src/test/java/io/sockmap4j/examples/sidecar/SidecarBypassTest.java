package io.sockmap4j.examples.sidecar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sockmap4j.examples.Channels;
import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.examples.Pattern;
import io.sockmap4j.examples.sidecar.Sidecar.Tuple;
import io.sockmap4j.runtime.Sockets;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.TestCgroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The sidecar end to end, on a child cgroup of this test's own: the JVM joins the cgroup only while
 * it opens the sockets that should belong to it, and the cgroup is removed afterwards.
 */
class SidecarBypassTest {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final int[] SIZES = {1, 100, 4096, 65_536, 1 << 20};

  /**
   * Both ends of an IPv4 connection made in the cgroup are in the map under the tuples Java
   * computes, without any Java put; bytes in both directions arrive byte-exact, and none crossed
   * TCP: neither side's {@code bytes_acked} moves while the SK_MSG verdict runs for every send.
   */
  @KernelTest
  void ipv4ConnectionsInTheCgroupSkipTcpBothWays() throws Exception {
    KernelCleanup.Ids ids;
    TestCgroup cgroup = TestCgroup.create();
    try (cgroup;
        SidecarBypass sidecar = SidecarBypass.attach(cgroup.path());
        ServerSocketChannel listener =
            cgroup.runInside(() -> listen(StandardProtocolFamily.INET, "127.0.0.1"));
        SocketChannel client =
            cgroup.runInside(() -> connect(StandardProtocolFamily.INET, listener));
        SocketChannel server = listener.accept()) {
      ids = KernelCleanup.Ids.of(sidecar.bpf().object());
      assertTrue(sidecar.counting(), "BPF_ENABLE_STATS refused");
      assertEquals(2, sidecar.bpf().connections().size(), "" + sidecar.bpf().connections().keys());
      assertEquals(OptionalLong.of(Sockets.cookie(client)), cookieOf(sidecar, client));
      assertEquals(OptionalLong.of(Sockets.cookie(server)), cookieOf(sidecar, server));
      assertExchangeBypassesTcp(sidecar, client, server);
      SidecarBypass.Stats stats = sidecar.stats();
      assertEquals(2, stats.sockets());
      assertTrue(stats.sockOpsRuns() >= 2, stats.toString());
    }
    assertFalse(Files.exists(cgroup.path()), "the test cgroup is removed");
    KernelCleanup.assertFreed(ids);
  }

  /**
   * Java's default sockets are IPv6 dual-stack: connected to 127.0.0.1 they are AF_INET6 sockets
   * with IPv4-mapped addresses. The sock_ops program recognises them and keys them by their IPv4
   * addresses, and the bypass works for them as for IPv4 sockets.
   */
  @KernelTest
  void dualStackSocketsConnectedToIpv4AreBypassedToo() throws Exception {
    try (TestCgroup cgroup = TestCgroup.create();
        SidecarBypass sidecar = SidecarBypass.attach(cgroup.path());
        ServerSocketChannel listener = cgroup.runInside(() -> listen(null, "127.0.0.1"));
        SocketChannel client = cgroup.runInside(() -> connect(null, listener));
        SocketChannel server = listener.accept()) {
      assumeTrue(
          inTcp6Table(client) && inTcp6Table(server),
          "this JVM made IPv4 sockets (java.net.preferIPv4Stack?), not dual-stack ones");
      assertEquals(2, sidecar.bpf().connections().size(), "" + sidecar.bpf().connections().keys());
      assertEquals(OptionalLong.of(Sockets.cookie(client)), cookieOf(sidecar, client));
      assertExchangeBypassesTcp(sidecar, client, server);
    }
  }

  /**
   * A connection between IPv6 addresses ({@code ::1}) is not inserted: the SK_MSG program could not
   * name its peer. TCP carries its bytes as usual.
   */
  @KernelTest
  void ipv6ConnectionsAreLeftToTcp() throws Exception {
    assumeTrue(ipv6LoopbackUsable(), "no ::1 on this machine");
    try (TestCgroup cgroup = TestCgroup.create();
        SidecarBypass sidecar = SidecarBypass.attach(cgroup.path());
        ServerSocketChannel listener =
            cgroup.runInside(() -> listen(StandardProtocolFamily.INET6, "::1"));
        SocketChannel client =
            cgroup.runInside(() -> connect(StandardProtocolFamily.INET6, listener));
        SocketChannel server = listener.accept()) {
      assertEquals(List.of(), sidecar.bpf().connections().keys());
      assertExchangeGoesOverTcp(client, server);
    }
  }

  /** A connection made outside the cgroup is not inserted, and TCP carries its bytes. */
  @KernelTest
  void connectionsOutsideTheCgroupAreNotTouched() throws Exception {
    try (TestCgroup cgroup = TestCgroup.create();
        SidecarBypass sidecar = SidecarBypass.attach(cgroup.path());
        ServerSocketChannel listener = listen(StandardProtocolFamily.INET, "127.0.0.1");
        SocketChannel client = connect(StandardProtocolFamily.INET, listener);
        SocketChannel server = listener.accept()) {
      assertEquals(List.of(), sidecar.bpf().connections().keys());
      assertExchangeGoesOverTcp(client, server);
    }
  }

  /** Closing the sidecar detaches it; connections it bypassed keep working, now over TCP. */
  @KernelTest
  void bypassedConnectionsOutliveTheSidecar() throws Exception {
    try (TestCgroup cgroup = TestCgroup.create();
        ServerSocketChannel listener =
            cgroup.runInside(() -> listen(StandardProtocolFamily.INET, "127.0.0.1"))) {
      SocketChannel client;
      SocketChannel server;
      try (SidecarBypass sidecar = SidecarBypass.attach(cgroup.path())) {
        client = cgroup.runInside(() -> connect(StandardProtocolFamily.INET, listener));
        server = listener.accept();
        assertEquals(2, sidecar.bpf().connections().size());
        assertExchangeBypassesTcp(sidecar, client, server);
      }
      try (client;
          server) {
        assertExchangeGoesOverTcp(client, server);
      }
    }
  }

  @Test
  void refusesTheRootCgroup() {
    List<Path> mounts = SidecarBypass.cgroup2Mounts();
    assumeTrue(!mounts.isEmpty(), "no cgroup2 mount");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SidecarBypass.attach(mounts.get(0)));
    assertTrue(e.getMessage().startsWith("refusing to attach to the root cgroup"), e.getMessage());
    assertTrue(e.getMessage().contains("cgroup.procs"), e.getMessage());
  }

  @Test
  void refusesWhatIsNotACgroup(@org.junit.jupiter.api.io.TempDir Path directory) {
    IllegalArgumentException notCgroup =
        assertThrows(IllegalArgumentException.class, () -> SidecarBypass.attach(directory));
    assertTrue(
        notCgroup.getMessage().contains("is not a cgroup v2 directory"), notCgroup.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> SidecarBypass.attach(directory.resolve("missing")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  /**
   * The command line attaches, reports, detaches by itself after --seconds and leaves no program
   * loaded; given the root cgroup, it refuses with exit code 2 and says why.
   */
  @KernelTest
  void theCommandLineRunsForItsSecondsAndCleansUp() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    List<KernelCleanup.Ids> ids = new ArrayList<>();
    int exit;
    int refused;
    try (TestCgroup cgroup = TestCgroup.create()) {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      SidecarBypass.Cli cli = new SidecarBypass.Cli();
      cli.attached = sidecar -> ids.add(KernelCleanup.Ids.of(sidecar.bpf().object()));
      exit =
          new CommandLine(cli)
              .execute("--cgroup", cgroup.path().toString(), "--seconds", "1", "--interval", "0");
      refused =
          new CommandLine(new SidecarBypass.Cli())
              .execute("--cgroup", SidecarBypass.cgroup2Mounts().get(0).toString());
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, printed + err);
    assertTrue(printed.contains("bypassing local connections of cgroup"), printed);
    assertTrue(printed.contains("detached; sockets in the map: 0"), printed);
    assertEquals(2, refused);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("refusing to attach to the root"));
    assertEquals(1, ids.size(), "attached once");
    KernelCleanup.assertFreed(ids.get(0));
  }

  /**
   * Sends every size in {@link #SIZES} from client to server and back, checks the bytes, and checks
   * that TCP carried none of them while the SK_MSG verdict ran at least once per send.
   */
  private static void assertExchangeBypassesTcp(
      SidecarBypass sidecar, SocketChannel client, SocketChannel server) throws Exception {
    long clientAcked = Sockets.bytesAcked(Sockets.fd(client));
    long serverAcked = Sockets.bytesAcked(Sockets.fd(server));
    long runsBefore = sidecar.stats().msgRuns();
    int sends = exchange(client, server);
    assertEquals(clientAcked, Sockets.bytesAcked(Sockets.fd(client)), "client bytes over TCP");
    assertEquals(serverAcked, Sockets.bytesAcked(Sockets.fd(server)), "server bytes over TCP");
    long runs = sidecar.stats().msgRuns() - runsBefore;
    assertTrue(runs >= sends, "the SK_MSG verdict ran " + runs + " times for " + sends + " sends");
  }

  /** The same exchange, which TCP must carry: the client's {@code bytes_acked} grows by it all. */
  private static void assertExchangeGoesOverTcp(SocketChannel client, SocketChannel server)
      throws Exception {
    long clientAcked = Sockets.bytesAcked(Sockets.fd(client));
    exchange(client, server);
    long sent = 0;
    for (int size : SIZES) {
      sent += size;
    }
    long expected = clientAcked + sent;
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (Sockets.bytesAcked(Sockets.fd(client)) < expected && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertEquals(expected, Sockets.bytesAcked(Sockets.fd(client)), "TCP carried every byte");
  }

  /** Sends each size both ways, checking every byte; returns the number of sends. */
  private static int exchange(SocketChannel client, SocketChannel server) throws Exception {
    Pattern pattern = new Pattern(11);
    long position = 0;
    int sends = 0;
    for (int size : SIZES) {
      byte[] message = new byte[size];
      pattern.fill(position, message, 0, size);
      position += size;
      sendWhileReading(client, server, message, "client to server, " + size);
      sendWhileReading(server, client, message, "server to client, " + size);
      sends += 2;
    }
    return sends;
  }

  /** Writes {@code message} on a helper thread (it may exceed the buffers) and reads it back. */
  private static void sendWhileReading(
      SocketChannel from, SocketChannel to, byte[] message, String what) throws Exception {
    CompletableFuture<Void> written =
        CompletableFuture.runAsync(
            () -> {
              try {
                Channels.writeFully(from, message);
              } catch (IOException e) {
                throw new IllegalStateException(what + ": write failed", e);
              }
            });
    assertArrayEquals(message, Channels.readExactly(to, message.length, READ_TIMEOUT), what);
    written.get(READ_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static OptionalLong cookieOf(SidecarBypass sidecar, SocketChannel channel)
      throws IOException {
    InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
    InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
    Tuple tuple =
        new Tuple(
            ipv4(local.getAddress()), ipv4(remote.getAddress()), local.getPort(), remote.getPort());
    return sidecar.bpf().connections().cookie(tuple);
  }

  /** An IPv4 address (Java reports IPv4-mapped ones as IPv4 too) as an int, first octet on top. */
  private static int ipv4(InetAddress address) {
    byte[] bytes = address.getAddress();
    return ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
  }

  /** Whether the socket is in /proc/net/tcp6, that is, an AF_INET6 socket. */
  private static boolean inTcp6Table(SocketChannel channel) throws IOException {
    String port =
        String.format(":%04X ", ((InetSocketAddress) channel.getLocalAddress()).getPort());
    return Files.readAllLines(Path.of("/proc/self/net/tcp6")).stream()
        .anyMatch(line -> line.trim().split("\\s+")[1].endsWith(port.trim()));
  }

  private static boolean ipv6LoopbackUsable() {
    try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
      probe.bind(new InetSocketAddress(Inet6Address.getByName("::1"), 0));
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Listens on {@code host}; a null family opens Java's default (dual-stack) socket. */
  private static ServerSocketChannel listen(StandardProtocolFamily family, String host)
      throws IOException {
    ServerSocketChannel listener =
        family == null ? ServerSocketChannel.open() : ServerSocketChannel.open(family);
    listener.bind(new InetSocketAddress(host, 0));
    return listener;
  }

  private static SocketChannel connect(StandardProtocolFamily family, ServerSocketChannel listener)
      throws IOException {
    SocketChannel client = family == null ? SocketChannel.open() : SocketChannel.open(family);
    client.connect(listener.getLocalAddress());
    return client;
  }
}
