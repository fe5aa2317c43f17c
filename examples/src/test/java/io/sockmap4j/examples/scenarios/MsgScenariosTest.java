package io.sockmap4j.examples.scenarios;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.examples.Pattern;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.SockHashHandle;
import io.sockmap4j.runtime.SockMapHandle;
import io.sockmap4j.runtime.testing.KernelCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kernel's own SK_MSG scenarios (tools/testing/selftests/bpf: test_sockmap and sockmap_basic),
 * written as sockmap4j programs and run on real loopback TCP connections, each over a SOCKMAP and a
 * SOCKHASH. Every check is byte-exact: the bytes sent are a {@link Pattern}, and what arrives is
 * compared with what the scenario says must arrive, byte for byte, at the socket it must arrive at,
 * and nothing at the others.
 *
 * <p>The programs are the {@code Msg*} classes of this package, compiled by the processor like a
 * user's. In every scenario the sender is the client of connection {@code a}, put under key 0;
 * redirect targets are put under keys 1 and 2.
 */
@ExtendWith(KernelCheck.class)
class MsgScenariosTest {

  /** How long to wait before concluding that nothing arrives at a socket. */
  private static final int QUIET_MILLIS = 200;

  enum Kind {
    SOCKMAP,
    SOCKHASH
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void passDeliversByteExactAndFionreadCountsIt(Kind kind) throws Exception {
    var loader = MsgPassLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      Connection a = s.connect();
      s.put(kind, 0, a.client());
      byte[] data = s.pattern(10_000);

      send(a.client(), data);

      assertEquals(data.length, awaitAvailable(a.server(), data.length), "FIONREAD after pass");
      assertArrayEquals(data, read(a.server(), data.length));
      assertEquals(0, a.server().getInputStream().available());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void dropFailsTheSendWithEaccesAndNothingArrives(Kind kind) throws Exception {
    var loader = MsgDropLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      Connection a = s.connect();
      s.put(kind, 0, a.client());

      IOException e = assertThrows(IOException.class, () -> send(a.client(), s.pattern(100)));

      assertEquals("Permission denied", e.getMessage(), "EACCES as Java reports it");
      assertQuiet(a.server()); // FIONREAD after drop: 0
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void egressRedirectSendsOutThroughTheTargetToItsPeer(Kind kind) throws Exception {
    var loader = MsgEgressLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      Connection a = s.connect();
      Connection b = s.connect();
      s.put(kind, 0, a.client());
      s.put(kind, 1, b.client());
      byte[] data = s.pattern(20_000);

      send(a.client(), data);

      assertArrayEquals(data, read(b.server(), data.length));
      assertQuiet(a.server());
      assertQuiet(b.client());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void ingressRedirectQueuesOnTheTargetAndFionreadCountsIt(Kind kind) throws Exception {
    var loader = MsgIngressLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      Connection a = s.connect();
      Connection b = s.connect();
      s.put(kind, 0, a.client());
      s.put(kind, 1, b.server());
      byte[] data = s.pattern(20_000);

      send(a.client(), data);

      assertEquals(data.length, awaitAvailable(b.server(), data.length), "FIONREAD after ingress");
      assertArrayEquals(data, read(b.server(), data.length));
      assertQuiet(a.server());
      assertQuiet(b.client());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void applyBytesSplitsOneSendWhereTheProgramRunsAgain(Kind kind) throws Exception {
    var loader = MsgApplyLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      Connection a = s.connect();
      Connection b = s.connect();
      Connection c = s.connect();
      s.put(kind, 0, a.client());
      s.put(kind, 1, b.server());
      s.put(kind, 2, c.server());
      int apply = MsgApply.APPLY;
      byte[] data = s.pattern(2 * apply);
      data[0] = 'A';
      data[apply] = 'B';

      send(a.client(), data);

      assertArrayEquals(Arrays.copyOfRange(data, 0, apply), read(b.server(), apply));
      assertArrayEquals(Arrays.copyOfRange(data, apply, 2 * apply), read(c.server(), apply));
      assertQuiet(a.server());
      assertQuiet(b.server());
      assertQuiet(c.server());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void corkBytesHoldsSmallSendsUntilEnoughHaveAccumulated(Kind kind) throws Exception {
    var loader = MsgCorkLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      Connection a = s.connect();
      Connection b = s.connect();
      s.put(kind, 0, a.client());
      s.put(kind, 1, b.server());
      int cork = MsgCork.CORK;
      byte[] data = s.pattern(cork);
      int quarter = cork / 4;

      for (int i = 0; i < 3; i++) {
        send(a.client(), Arrays.copyOfRange(data, i * quarter, (i + 1) * quarter));
      }
      assertQuiet(b.server()); // corked: the program has not let anything go yet
      assertQuiet(a.server()); // and nothing went to TCP, as a PASS would have
      send(a.client(), Arrays.copyOfRange(data, 3 * quarter, cork));

      assertArrayEquals(data, read(b.server(), cork));
      assertQuiet(a.server());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void pushInsertsBytesTheProgramThenWrites(Kind kind) throws Exception {
    var loader = MsgPushLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      Connection a = s.connect();
      s.put(kind, 0, a.client());
      byte[] data = s.pattern(100);
      ByteBuffer expected = ByteBuffer.allocate(data.length + MsgPush.LENGTH);
      expected.put(data, 0, MsgPush.AT);
      expected.putInt(data.length).putInt(data.length + MsgPush.LENGTH); // size before, after
      expected.put(data, MsgPush.AT, data.length - MsgPush.AT);

      send(a.client(), data);

      assertArrayEquals(expected.array(), read(a.server(), expected.capacity()));
      assertQuiet(a.server());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void pullMakesARangeAcrossScatterlistElementsReadableAndWritable(Kind kind) throws Exception {
    var loader = MsgPullLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      Connection a = s.connect();
      s.put(kind, 0, a.client());
      byte[] data = s.pattern(MsgPull.SIZE);
      byte[] expected = data.clone();
      for (int i = 0; i < MsgPull.INVERTED; i++) {
        expected[MsgPull.FROM + i] = (byte) ~expected[MsgPull.FROM + i];
        expected[MsgPull.TO - 1 - i] = (byte) ~expected[MsgPull.TO - 1 - i];
      }

      send(a.client(), data);

      assertArrayEquals(expected, read(a.server(), expected.length));
      assertQuiet(a.server());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void popRemovesBytesAndReadsAfterItSeeTheNewMessage(Kind kind) throws Exception {
    var loader = MsgPopLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      Connection a = s.connect();
      s.put(kind, 0, a.client());
      byte[] data = s.pattern(100);
      int end = MsgPop.AT + MsgPop.LENGTH;
      ByteBuffer expected = ByteBuffer.allocate(data.length - MsgPop.LENGTH);
      expected.put(data, 0, MsgPop.AT).put(data, end, data.length - end);
      expected.put(0, data[end]); // the byte the program read at AT after the pop
      expected.put(1, data[MsgPop.AT - 1]);

      send(a.client(), data);

      assertArrayEquals(expected.array(), read(a.server(), expected.capacity()));
      assertQuiet(a.server());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void popPastTheEndIsEinval(Kind kind) throws Exception {
    var loader = MsgPopOverflowLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      Connection a = s.connect();
      s.put(kind, 0, a.client());

      IOException e = assertThrows(IOException.class, () -> send(a.client(), s.pattern(100)));

      assertEquals("Permission denied", e.getMessage(), "dropped because popData was -EINVAL");
      assertQuiet(a.server());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aReadOutsideThePayloadWindowDrops(Kind kind) throws Exception {
    var loader = MsgWindowLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      Connection a = s.connect();
      s.put(kind, 0, a.client());
      byte[] small = s.pattern(100);
      byte[] expected = small.clone();
      expected[0] = small[small.length - 1];

      send(a.client(), small);
      assertArrayEquals(expected, read(a.server(), expected.length), "inside the window");

      IOException e = assertThrows(IOException.class, () -> send(a.client(), s.pattern(40_000)));
      assertEquals("Permission denied", e.getMessage(), "the last byte is past the window");
      assertQuiet(a.server());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void contextFieldsDescribeTheConnectionAsJavaSeesIt(Kind kind) throws Exception {
    var loader = MsgFieldsLoader.attach();
    try (Scenario s = new Scenario(loader, loader.object(), loader.map(), loader.hash())) {
      for (String loopback : List.of("127.0.0.1", "::1")) {
        InetAddress address = InetAddress.getByName(loopback);
        boolean v6 = address instanceof Inet6Address;
        try (ServerSocketChannel listener =
                ServerSocketChannel.open(
                    v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            SocketChannel client =
                SocketChannel.open(
                    v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
          listener.bind(new InetSocketAddress(address, 0));
          client.connect(listener.getLocalAddress());
          try (SocketChannel server = listener.accept()) {
            s.put(kind, 0, client);
            int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
            int serverPort = ((InetSocketAddress) listener.getLocalAddress()).getPort();

            client.write(ByteBuffer.wrap(new byte[MsgFields.LENGTH]));
            ByteBuffer fields = ByteBuffer.allocate(MsgFields.LENGTH);
            while (fields.hasRemaining() && server.read(fields) >= 0) {}
            fields.flip();

            assertEquals(v6 ? 10 : 2, fields.getInt(0), loopback + ": family");
            assertEquals(serverPort, fields.getInt(12), loopback + ": remotePort");
            assertEquals(clientPort, fields.getInt(16), loopback + ": localPort");
            assertEquals(MsgFields.LENGTH, fields.getInt(20), loopback + ": size");
            if (v6) {
              byte[] ip6 = address.getAddress(); // ::1, both ends
              assertArrayEquals(ip6, Arrays.copyOfRange(fields.array(), 24, 40), "remoteIp6");
              assertArrayEquals(ip6, Arrays.copyOfRange(fields.array(), 40, 56), "localIp6");
            } else {
              assertEquals(0x7f000001, fields.getInt(4), "remoteIp4");
              assertEquals(0x7f000001, fields.getInt(8), "localIp4");
            }
            s.remove(kind, 0);
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------------------ helpers

  /** One TCP connection over 127.0.0.1; both ends time out reads. */
  private record Connection(Socket client, Socket server) {}

  /**
   * A scenario's loaded programs and maps, its connections, and the check that closing it freed
   * every program and map it made.
   */
  private static final class Scenario implements AutoCloseable {
    private final AutoCloseable loader;
    private final KernelCleanup.Ids ids;
    private final SockMapHandle map;
    private final SockHashHandle<Integer> hash;
    private final ServerSocket listener;
    private final List<Socket> sockets = new ArrayList<>();
    private long seed;

    Scenario(
        AutoCloseable loader, BpfObject object, SockMapHandle map, SockHashHandle<Integer> hash)
        throws IOException {
      this.loader = loader;
      this.ids = KernelCleanup.Ids.of(object);
      this.map = map;
      this.hash = hash;
      this.listener = new ServerSocket();
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    Connection connect() throws IOException {
      Socket client = new Socket();
      sockets.add(client);
      client.connect(listener.getLocalSocketAddress(), 5_000);
      Socket server = listener.accept();
      sockets.add(server);
      client.setSoTimeout(10_000);
      server.setSoTimeout(10_000);
      return new Connection(client, server);
    }

    void put(Kind kind, int key, Socket socket) {
      if (kind == Kind.SOCKMAP) {
        map.put(key, socket);
      } else {
        hash.put(key, socket);
      }
    }

    void put(Kind kind, int key, SocketChannel channel) {
      if (kind == Kind.SOCKMAP) {
        map.put(key, channel);
      } else {
        hash.put(key, channel);
      }
    }

    void remove(Kind kind, int key) {
      assertTrue(kind == Kind.SOCKMAP ? map.remove(key) : hash.remove(key));
    }

    /** Fresh pattern bytes, different for each call. */
    byte[] pattern(int length) {
      byte[] bytes = new byte[length];
      new Pattern(++seed).fill(0, bytes, 0, length);
      return bytes;
    }

    @Override
    public void close() throws Exception {
      for (Socket socket : sockets) {
        socket.close();
      }
      listener.close();
      loader.close();
      KernelCleanup.assertFreed(ids);
    }
  }

  private static void send(Socket socket, byte[] data) throws IOException {
    socket.getOutputStream().write(data);
  }

  private static byte[] read(Socket socket, int length) throws IOException {
    byte[] buffer = new byte[length];
    InputStream in = socket.getInputStream();
    int filled = 0;
    while (filled < length) {
      int n = in.read(buffer, filled, length - filled);
      if (n < 0) {
        throw new IOException("end of stream after " + filled + " of " + length + " bytes");
      }
      filled += n;
    }
    return buffer;
  }

  /** Waits up to 5 s for FIONREAD to reach {@code length}; returns its last value. */
  private static int awaitAvailable(Socket socket, int length) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    int available = socket.getInputStream().available();
    while (available < length && System.nanoTime() < deadline) {
      Thread.sleep(10);
      available = socket.getInputStream().available();
    }
    return available;
  }

  /**
   * Asserts that nothing is at {@code socket}, nor arrives within {@link #QUIET_MILLIS}: FIONREAD
   * says 0, and a read times out.
   */
  private static void assertQuiet(Socket socket) throws Exception {
    int available = socket.getInputStream().available();
    assertEquals(0, available, () -> available + " unexpected bytes at " + socket);
    int timeout = socket.getSoTimeout();
    socket.setSoTimeout(QUIET_MILLIS);
    try {
      int b = socket.getInputStream().read();
      throw new AssertionError("unexpected data at " + socket + ": read returned " + b);
    } catch (SocketTimeoutException expected) {
      // nothing arrived
    } finally {
      socket.setSoTimeout(timeout);
    }
  }
}
