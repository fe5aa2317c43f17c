package io.sockmap4j.examples.filter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.runtime.Sockets;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * The policy filter end to end on loopback: clients send lines through the kernel filter to a Java
 * echo server; allowed lines come back byte-exact, blocked lines never reach the server, and the
 * per-CPU counters read from Java match what was sent, line for line and byte for byte.
 */
class PolicyFilterTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  private static final byte[] PREFIX = "DROP".getBytes(StandardCharsets.US_ASCII);
  private static final long WAIT_MS = 20_000;

  @KernelTest
  void allowedLinesArriveByteExactAndBlockedOnesDoNot() throws Exception {
    KernelCleanup.Ids ids;
    try (PolicyFilter filter = PolicyFilter.start(LOOPBACK)) {
      ids = KernelCleanup.Ids.of(filter.bpf().object());
      filter.blockPrefix(PREFIX);
      Random random = new Random(3);
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      ByteArrayOutputStream allowed = new ByteArrayOutputStream();
      long allowedLines = 0;
      long blockedLines = 0;
      long blockedBytes = 0;
      for (int i = 0; i < 3_000; i++) {
        boolean blocked = random.nextInt(3) == 0;
        byte[] line = line(random, blocked ? PREFIX : new byte[0], i == 5 ? 0 : -1);
        sent.writeBytes(line);
        if (blocked) {
          blockedLines++;
          blockedBytes += line.length;
        } else {
          allowed.writeBytes(line);
          allowedLines++;
        }
      }
      // a line that is exactly the prefix, and one the prefix is longer than: dropped, passed
      byte[] exact = "DROP\n".getBytes(StandardCharsets.US_ASCII);
      byte[] shorter = "DRO\n".getBytes(StandardCharsets.US_ASCII);
      sent.writeBytes(exact);
      sent.writeBytes(shorter);
      allowed.writeBytes(shorter);
      blockedLines++;
      blockedBytes += exact.length;
      allowedLines++;

      try (LineClient client = LineClient.connect(filter.address(), null)) {
        client.sendInRandomChunks(sent.toByteArray(), random);
        byte[] want = allowed.toByteArray();
        byte[] got = client.await(want.length, WAIT_MS);
        assertArrayEquals(
            want,
            got,
            () ->
                "the echo of exactly the allowed lines: "
                    + got.length
                    + " of "
                    + want.length
                    + " bytes, first difference at "
                    + Arrays.mismatch(want, got)
                    + "; "
                    + filter.counters()
                    + "; cursors "
                    + filter.bpf().cursors().entries()
                    + "; client unacked "
                    + Sockets.unsentBytes(Sockets.fd(client.socket))
                    + " of "
                    + sent.size()
                    + "; server received "
                    + filter.openConnections().stream()
                        .map(c -> Sockets.bytesReceived(Sockets.fd(c)))
                        .toList());
      }
      assertEquals(allowedLines, filter.lines(Policy.PASSED));
      assertEquals(allowed.size(), filter.bytes(Policy.PASSED));
      assertEquals(blockedLines, filter.lines(Policy.BY_PREFIX));
      assertEquals(blockedBytes, filter.bytes(Policy.BY_PREFIX));
      assertEquals(0, filter.lines(Policy.BY_PORT) + filter.lines(Policy.BY_ADDRESS));
    }
    KernelCleanup.assertFreed(ids);
  }

  @KernelTest
  void portAndAddressRulesDropWholeConnectionsAndOthersPass() throws Exception {
    try (PolicyFilter filter = PolicyFilter.start(LOOPBACK)) {
      Random random = new Random(4);
      InetAddress other = InetAddress.getByName("127.0.0.2");
      filter.blockAddress(other);
      try (LineClient byPort = LineClient.connect(filter.address(), bound(0));
          LineClient byAddress =
              LineClient.connect(filter.address(), new InetSocketAddress(other, 0));
          LineClient allowed = LineClient.connect(filter.address(), null)) {
        filter.blockPort(byPort.localPort());
        byte[] lines = lines(random, 50);
        byPort.sendInRandomChunks(lines, random);
        byAddress.sendInRandomChunks(lines, random);
        allowed.sendInRandomChunks(lines, random);
        assertArrayEquals(lines, allowed.await(lines.length, WAIT_MS));

        awaitCount(filter, Policy.BY_PORT, 50);
        awaitCount(filter, Policy.BY_ADDRESS, 50);
        assertEquals(50, filter.lines(Policy.BY_PORT));
        assertEquals(lines.length, filter.bytes(Policy.BY_PORT));
        assertEquals(50, filter.lines(Policy.BY_ADDRESS));
        assertEquals(lines.length, filter.bytes(Policy.BY_ADDRESS));
        assertEquals(50, filter.lines(Policy.PASSED));

        // lifted: the next line passes, and it is the first the server sees on that connection
        filter.unblockPort(byPort.localPort());
        filter.unblockAddress(other);
        byte[] marker = "after\n".getBytes(StandardCharsets.US_ASCII);
        byPort.send(marker);
        byAddress.send(marker);
        assertArrayEquals(marker, byPort.await(marker.length, WAIT_MS));
        assertArrayEquals(marker, byAddress.await(marker.length, WAIT_MS));
      }
    }
  }

  @KernelTest
  void theServersOwnPortBlocksEveryone() throws Exception {
    try (PolicyFilter filter = PolicyFilter.start(LOOPBACK);
        LineClient client = LineClient.connect(filter.address(), null)) {
      filter.blockPort(filter.address().getPort());
      client.send("one\n".getBytes(StandardCharsets.US_ASCII));
      awaitCount(filter, Policy.BY_PORT, 1);
      filter.unblockPort(filter.address().getPort());
      client.send("two\n".getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals("two\n".getBytes(StandardCharsets.US_ASCII), client.await(4, WAIT_MS));
      assertEquals(1, filter.lines(Policy.BY_PORT));
    }
  }

  @KernelTest
  void anIpv6AddressRule() throws Exception {
    InetAddress ip6 = InetAddress.getByName("::1");
    try (PolicyFilter filter = PolicyFilter.start(new InetSocketAddress(ip6, 0));
        LineClient client = LineClient.connect(filter.address(), null)) {
      byte[] first = "first\n".getBytes(StandardCharsets.US_ASCII);
      client.send(first);
      assertArrayEquals(first, client.await(first.length, WAIT_MS));
      filter.blockAddress(ip6);
      client.send("blocked\n".getBytes(StandardCharsets.US_ASCII));
      awaitCount(filter, Policy.BY_ADDRESS, 1);
      filter.unblockAddress(ip6);
      client.send("last\n".getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals(
          "first\nlast\n".getBytes(StandardCharsets.US_ASCII), client.await(11, WAIT_MS));
      assertEquals(1, filter.lines(Policy.BY_ADDRESS));
      assertEquals(8, filter.bytes(Policy.BY_ADDRESS));
    }
  }

  /** Rules changed from Java while a connection is open take effect on its next line. */
  @KernelTest
  void aRuleChangedAtRunTimeAppliesFromTheNextLine() throws Exception {
    try (PolicyFilter filter = PolicyFilter.start(LOOPBACK);
        LineClient client = LineClient.connect(filter.address(), null)) {
      ByteArrayOutputStream want = new ByteArrayOutputStream();
      for (int round = 0; round < 20; round++) {
        byte[] line = ("DROP round " + round + "\n").getBytes(StandardCharsets.US_ASCII);
        boolean blocked = round % 2 == 1;
        if (blocked) {
          filter.blockPrefix(PREFIX);
        } else {
          filter.clearPrefix();
          want.writeBytes(line);
        }
        client.send(line);
        if (blocked) {
          awaitCount(filter, Policy.BY_PREFIX, round / 2 + 1);
        } else {
          assertArrayEquals(want.toByteArray(), client.await(want.size(), WAIT_MS));
        }
      }
      assertEquals(10, filter.lines(Policy.BY_PREFIX));
      assertEquals(10, filter.lines(Policy.PASSED));
      assertArrayEquals(want.toByteArray(), client.received());
    }
  }

  /**
   * A line longer than MAX_LINE is dropped whole, even where a later chunk of it would pass the
   * rules; the lines around it pass.
   */
  @KernelTest
  void aLineOverTheLimitIsDroppedWhole() throws Exception {
    try (PolicyFilter filter = PolicyFilter.start(LOOPBACK);
        LineClient client = LineClient.connect(filter.address(), null)) {
      Random random = new Random(8);
      byte[] ok = "fine\n".getBytes(StandardCharsets.US_ASCII);
      byte[] exactlyMax = line(random, new byte[0], Policy.MAX_LINE - 1);
      byte[] oneOver = line(random, new byte[0], Policy.MAX_LINE);
      byte[] long1 = line(random, new byte[0], 3 * Policy.MAX_LINE + 17);
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      for (byte[] part : new byte[][] {ok, oneOver, exactlyMax, long1, ok}) {
        sent.writeBytes(part);
      }
      client.sendInRandomChunks(sent.toByteArray(), random);
      ByteArrayOutputStream want = new ByteArrayOutputStream();
      want.writeBytes(ok);
      want.writeBytes(exactlyMax);
      want.writeBytes(ok);
      assertArrayEquals(want.toByteArray(), client.await(want.size(), WAIT_MS));
      assertEquals(2, filter.lines(Policy.TOO_LONG));
      assertEquals(oneOver.length + long1.length, filter.bytes(Policy.TOO_LONG));
      assertEquals(3, filter.lines(Policy.PASSED));
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  private static InetSocketAddress bound(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  private static void awaitCount(PolicyFilter filter, int outcome, long want)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (filter.lines(outcome) < want && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    assertEquals(want, filter.lines(outcome), "lines counted under outcome " + outcome);
  }

  private static byte[] lines(Random random, int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      out.writeBytes(line(random, new byte[0], -1));
    }
    return out.toByteArray();
  }

  /** {@code start}, then lower-case letters (so never "DROP" by chance), then '\n'. */
  private static byte[] line(Random random, byte[] start, int length) {
    int body = length >= 0 ? length : random.nextInt(Policy.MAX_LINE - start.length);
    byte[] line = new byte[start.length + body + 1];
    System.arraycopy(start, 0, line, 0, start.length);
    for (int i = start.length; i < line.length - 1; i++) {
      line[i] = (byte) ('a' + random.nextInt(26));
    }
    line[line.length - 1] = '\n';
    return line;
  }

  /** A client that records everything the server sends back. */
  static final class LineClient implements AutoCloseable {
    private final Socket socket;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    private LineClient(Socket socket) {
      this.socket = socket;
      Thread reader =
          new Thread(
              () -> {
                try (InputStream in = socket.getInputStream()) {
                  byte[] buffer = new byte[16 * 1024];
                  int n;
                  while ((n = in.read(buffer)) >= 0) {
                    synchronized (received) {
                      received.write(buffer, 0, n);
                    }
                  }
                } catch (IOException e) {
                  // reset or closed
                }
              },
              "line-client");
      reader.setDaemon(true);
      reader.start();
    }

    static LineClient connect(InetSocketAddress server, InetSocketAddress local)
        throws IOException {
      Socket socket = new Socket();
      if (local != null) {
        socket.bind(local);
      }
      socket.connect(server, 5_000);
      socket.setTcpNoDelay(true);
      return new LineClient(socket);
    }

    int localPort() {
      return socket.getLocalPort();
    }

    void send(byte[] data) throws IOException {
      socket.getOutputStream().write(data);
    }

    void sendInRandomChunks(byte[] data, Random random) throws IOException {
      OutputStream out = socket.getOutputStream();
      int at = 0;
      while (at < data.length) {
        int n =
            Math.min(
                data.length - at,
                random.nextBoolean() ? 1 + random.nextInt(16) : 1 + random.nextInt(20_000));
        out.write(data, at, n);
        at += n;
      }
    }

    byte[] received() {
      synchronized (received) {
        return received.toByteArray();
      }
    }

    byte[] await(int bytes, long millis) throws InterruptedException {
      long deadline = System.nanoTime() + millis * 1_000_000;
      while (received().length < bytes && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      Thread.sleep(20); // anything extra that would follow
      return received();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
