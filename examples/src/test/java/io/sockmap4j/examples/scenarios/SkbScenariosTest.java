package io.sockmap4j.examples.scenarios;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.examples.Pattern;
import io.sockmap4j.processor.SockmapProcessor;
import io.sockmap4j.runtime.AttachedProgram;
import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.SockHashHandle;
import io.sockmap4j.runtime.SockMapHandle;
import io.sockmap4j.runtime.Sockets;
import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.Errno;
import io.sockmap4j.runtime.internal.LibC;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The kernel's SK_SKB sockmap selftest scenarios, over SOCKMAP and SOCKHASH where the kernel allows
 * both, with programs compiled by the processor from the classes beside this test ({@link
 * SkbPassDrop}, {@link SkbRedirects}, {@link SkbFraming}, {@link SkbResize}, {@link SkbFields},
 * {@link SkbUdp}, {@link SkbPlainMaps}) and real loopback sockets, checked byte for byte.
 *
 * <p>In each TCP scenario the socket in the map is a pair's {@code client}; the pair's {@code
 * accepted} side sends, so the programs run on what the client receives.
 */
class SkbScenariosTest {

  // ------------------------------------------------------------------- pass, drop, FIONREAD

  @KernelTest
  void passDeliversEveryByteAndFionreadCountsThem() throws Exception {
    try (SkbPassDropLoader bpf = SkbPassDropLoader.attach()) {
      eachMapKind(
          bpf.passMap(),
          bpf.passHash(),
          (insert, kind) -> {
            try (TcpPair pair = TcpPair.open()) {
              insert.accept(pair);
              byte[] sent = pattern(1, 1000);
              pair.sendToClient(sent);
              assertEquals(1000, pair.awaitClientAvailable(1000), kind + ": FIONREAD after pass");
              assertArrayEquals(sent, pair.readOnClient(1000), kind);
              assertEquals(0, pair.clientAvailable(), kind + ": FIONREAD after the read");
            }
          });
    }
  }

  @KernelTest
  void dropDiscardsEverythingAndFionreadStaysZero() throws Exception {
    try (SkbPassDropLoader bpf = SkbPassDropLoader.attach()) {
      eachMapKind(
          bpf.dropMap(),
          bpf.dropHash(),
          (insert, kind) -> {
            try (TcpPair pair = TcpPair.open()) {
              insert.accept(pair);
              pair.sendToClient(pattern(2, 100));
              Thread.sleep(TcpPair.QUIET_MS);
              assertEquals(0, pair.clientAvailable(), kind + ": FIONREAD after drop");
              assertTrue(pair.clientStaysQuiet(), kind + ": dropped bytes arrived");
            }
          });
    }
  }

  // ------------------------------------------------------------------ egress and ingress

  @KernelTest
  void egressRedirectSendsOutThroughTheTarget() throws Exception {
    try (SkbRedirectsLoader bpf = SkbRedirectsLoader.attach()) {
      eachMapKind(
          bpf.egressMap(),
          bpf.egressHash(),
          (source, target, kind) -> {
            try (TcpPair from = TcpPair.open();
                TcpPair to = TcpPair.open()) {
              source.accept(0, from.client());
              target.accept(SkbRedirects.TARGET, to.accepted());
              byte[] sent = pattern(3, 64 * 1024);
              from.sendToClient(sent);
              // out through to.accepted(): its peer, to.client(), receives the bytes
              assertArrayEquals(sent, to.readOnClient(sent.length), kind);
              assertTrue(from.clientStaysQuiet(), kind + ": the source socket received data");
            }
          });
    }
  }

  @KernelTest
  void ingressRedirectQueuesOnTheTargetItself() throws Exception {
    try (SkbRedirectsLoader bpf = SkbRedirectsLoader.attach()) {
      eachMapKind(
          bpf.ingressMap(),
          bpf.ingressHash(),
          (source, target, kind) -> {
            try (TcpPair from = TcpPair.open();
                TcpPair to = TcpPair.open()) {
              source.accept(0, from.client());
              target.accept(SkbRedirects.TARGET, to.client());
              byte[] sent = pattern(4, 64 * 1024);
              from.sendToClient(sent);
              assertArrayEquals(sent, to.readOnClient(sent.length), kind);
              assertTrue(from.clientStaysQuiet(), kind + ": the source socket received data");
            }
          });
    }
  }

  // ---------------------------------------------------------------------- parser framing

  @KernelTest
  void aParserFramesTheStreamIntoTenByteMessages() throws Exception {
    try (SkbFramingLoader bpf = SkbFramingLoader.attach()) {
      eachMapKind(bpf.shortMap(), bpf.shortHash(), (insert, kind) -> frames(insert, kind, 10));
      assertEquals(
          List.of(4, 5),
          bpf.object().attachedPrograms("shortMap").stream()
              .map(AttachedProgram::attachType)
              .toList(),
          "program query: a stream parser and a stream verdict");
    }
  }

  @KernelTest
  void aParserFramesTheStreamInto512ByteMessages() throws Exception {
    try (SkbFramingLoader bpf = SkbFramingLoader.attach()) {
      eachMapKind(bpf.longMap(), bpf.longHash(), (insert, kind) -> frames(insert, kind, 512));
    }
  }

  /**
   * Two and a half messages are sent: exactly two arrive, the half waits in the strparser; the rest
   * of the third completes it.
   */
  private static void frames(Insert insert, String kind, int frame) throws Exception {
    try (TcpPair pair = TcpPair.open()) {
      insert.accept(pair);
      byte[] sent = pattern(5, 3 * frame);
      int first = 2 * frame + frame / 2;
      pair.sendToClient(Arrays.copyOf(sent, first));
      assertEquals(2 * frame, pair.awaitClientAvailable(2 * frame), kind);
      Thread.sleep(TcpPair.QUIET_MS);
      assertEquals(2 * frame, pair.clientAvailable(), kind + ": a partial message was delivered");
      pair.sendToClient(Arrays.copyOfRange(sent, first, sent.length));
      assertEquals(3 * frame, pair.awaitClientAvailable(3 * frame), kind);
      assertArrayEquals(sent, pair.readOnClient(sent.length), kind);
    }
  }

  // -------------------------------------------------------------------------- resizing

  @KernelTest
  void changeTailTrimsAndGrowsAndReportsItsError() throws Exception {
    try (SkbResizeLoader bpf = SkbResizeLoader.attach()) {
      eachMapKind(
          bpf.resizeMap(),
          bpf.resizeHash(),
          (insert, kind) -> {
            try (TcpPair pair = TcpPair.open()) {
              insert.accept(pair);
              assertExchange(pair, "Tr", bytes("T"), kind + " trim");
              assertExchange(pair, "Gr", bytes("Gr\0"), kind + " grow");
              assertExchange(pair, "Erro", ByteBuffer.allocate(4).putInt(-22).array(), kind);
            }
          });
      assertEquals(
          List.of(38),
          bpf.object().attachedPrograms("resizeMap").stream()
              .map(AttachedProgram::attachType)
              .toList(),
          "program query: an skb verdict");
    }
  }

  /**
   * Growing at the head, shrinking at the head, and pulling, one message per connection: on Linux
   * 6.18 growing a TCP skb at the head in an skb verdict holds back as many bytes of the
   * connection's next data (they arrive with the data after them), so each case gets its own
   * connection.
   */
  @KernelTest
  void changeHeadAdjustRoomAndPullData() throws Exception {
    try (SkbResizeLoader bpf = SkbResizeLoader.attach()) {
      eachMapKind(
          bpf.resizeMap(),
          bpf.resizeHash(),
          (insert, kind) -> {
            exchangeOnce(insert, "Hx", bytes("\0\0Hx"), kind + " changeHead(2)");
            exchangeOnce(insert, "Ax", bytes("\0\0\0Ax"), kind + " adjustRoom(3)");
            exchangeOnce(insert, "Dxy", bytes("xy"), kind + " adjustRoom(-1)");
            // pullData beyond the data fails with -ENOMEM (12); pulling all of it succeeds
            exchangeOnce(
                insert,
                "P1234567",
                ByteBuffer.allocate(8).putInt(-12).putInt(0).array(),
                kind + " pullData");
          });
    }
  }

  /**
   * Linux 6.18: after an skb verdict grew a TCP skb at the head by n bytes, a later skb of n bytes
   * or fewer is held back until more data arrives, then delivered with it; longer ones pass at
   * once. (Documented in LANGUAGE.md; if this fails on a newer kernel, the kernel changed and the
   * documentation must follow.)
   */
  @KernelTest
  void growingATcpSkbAtTheHeadHoldsBackShortDataAfterIt() throws Exception {
    try (SkbResizeLoader bpf = SkbResizeLoader.attach()) {
      for (String grow : new String[] {"Hx", "Ax"}) {
        int added = grow.equals("Hx") ? 2 : 3;
        try (TcpPair pair = TcpPair.open()) {
          bpf.resizeMap().put(0, pair.client());
          pair.sendToClient(bytes(grow));
          assertEquals(added + 2, pair.readOnClient(added + 2).length);
          String longer = "z".repeat(added + 1);
          assertExchange(pair, longer, bytes(longer), grow + ": longer data passes");
          String shortData = "y".repeat(added);
          pair.sendToClient(bytes(shortData));
          assertTrue(pair.clientStaysQuiet(), grow + ": short data was not held back");
          pair.sendToClient(bytes("after"));
          byte[] both = bytes(shortData + "after");
          assertArrayEquals(both, pair.readOnClient(both.length), grow);
        }
      }
    }
  }

  private static void exchangeOnce(Insert insert, String send, byte[] expected, String what)
      throws Exception {
    try (TcpPair pair = TcpPair.open()) {
      insert.accept(pair);
      assertExchange(pair, send, expected, what);
    }
  }

  private static void assertExchange(TcpPair pair, String send, byte[] expected, String what)
      throws IOException {
    pair.sendToClient(bytes(send));
    assertArrayEquals(expected, pair.readOnClient(expected.length), what);
    assertTrue(pair.clientStaysQuiet(), what + ": more bytes arrived than expected");
  }

  // ---------------------------------------------------------------- context and payload

  /**
   * An AF_INET socket: the ip4 fields hold the addresses, and the ip6 fields their IPv4-mapped form
   * ::ffff:127.0.0.1 (the kernel keeps both for every IPv4 socket).
   */
  @KernelTest
  void theVerdictSeesAnIpv4ConnectionAsJavaDoes() throws Exception {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    try (TcpPair pair = TcpPair.openSingleFamily(lo)) {
      probe(pair, 2, 0x7f000001, MAPPED_LOOPBACK);
    }
  }

  private static final byte[] MAPPED_LOOPBACK = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1
  };

  /** An AF_INET6 socket: the ip6 fields hold ::1; the ip4 fields mean nothing, and are not read. */
  @KernelTest
  void theVerdictSeesAnIpv6ConnectionAsJavaDoes() throws Exception {
    InetAddress lo = InetAddress.getByName("::1");
    try (TcpPair pair = TcpPair.openSingleFamily(lo)) {
      probe(pair, 10, null, lo.getAddress());
    }
  }

  /**
   * What {@code new Socket()} gives a Java program: an AF_INET6 dual-stack socket connected to
   * 127.0.0.1. The ip6 fields hold the IPv4-mapped address ::ffff:127.0.0.1, the ip4 fields the
   * IPv4 address.
   */
  @KernelTest
  void theVerdictSeesADualStackConnectionAsJavaDoes() throws Exception {
    try (TcpPair pair = TcpPair.open(InetAddress.getByName("127.0.0.1"))) {
      probe(pair, 10, 0x7f000001, MAPPED_LOOPBACK);
    }
  }

  private static void probe(TcpPair pair, int family, Integer ip4, byte[] ip6Bytes)
      throws Exception {
    try (SkbFieldsLoader bpf = SkbFieldsLoader.attach()) {
      bpf.probeMap().put(0, Sockets.fd(pair.client()));
      byte[] sent = pattern(6, SkbFields.PROBE_LENGTH);
      pair.sendToClient(sent);
      ByteBuffer got = ByteBuffer.wrap(pair.readOnClient(sent.length));
      ByteBuffer in = ByteBuffer.wrap(sent);

      assertEquals(pair.client().getPort(), got.getInt(0), "remotePort");
      assertEquals(pair.client().getLocalPort(), got.getInt(4), "localPort");
      if (ip4 != null) {
        assertEquals(ip4, got.getInt(8), "remoteIp4");
        assertEquals(ip4, got.getInt(12), "localIp4");
      }
      assertEquals(family, got.getInt(16), "family");
      assertEquals(family == 10 && ip4 == null ? 0x86DD : 0x0800, got.getInt(20), "protocol");
      assertEquals(Sockets.cookie(pair.client()), got.getLong(24), "socketCookie");
      assertEquals(uid(), got.getInt(32), "socketUid");
      assertEquals(SkbFields.PROBE_LENGTH, got.getInt(36), "len");
      ByteBuffer ip6 = ByteBuffer.wrap(ip6Bytes);
      for (int i = 0; i < 4; i++) {
        assertEquals(ip6.getInt(4 * i), got.getInt(40 + 4 * i), "remoteIp6(" + i + ")");
        assertEquals(ip6.getInt(4 * i), got.getInt(56 + 4 * i), "localIp6(" + i + ")");
      }
      assertEquals(5, got.getInt(72), "priority as set");
      assertEquals(9, got.getInt(76), "tcIndex as set");
      assertEquals(in.getInt(100), got.getInt(80), "loadInt");
      assertEquals(in.getShort(104), got.getShort(84), "loadShort");
      assertEquals(in.get(106), got.get(86), "loadByte");
      assertEquals(0x7E, got.get(87), "storeByte");
      assertEquals(in.getLong(108), got.getLong(88), "loadLong");
      byte[] expectedTail = Arrays.copyOfRange(sent, 96, 128);
      System.arraycopy(sent, 100, expectedTail, 116 - 96, 8); // loadBytes(100) -> storeBytes(116)
      assertArrayEquals(expectedTail, Arrays.copyOfRange(got.array(), 96, 128), "bytes 96..127");
    }
  }

  @KernelTest
  void aLoadPastTheEndEndsTheVerdictWithDrop() throws Exception {
    try (SkbFieldsLoader bpf = SkbFieldsLoader.attach();
        TcpPair pair = TcpPair.open()) {
      bpf.faultMap().put(0, pair.client());
      pair.sendToClient(pattern(7, 10));
      assertTrue(pair.clientStaysQuiet(), "the fault result is DROP");
    }
  }

  // ---------------------------------------------------------------- verdict conflict

  /**
   * A stream verdict and an skb verdict on one map: the kernel refuses the second with EBUSY,
   * either way round. (The processor refuses the same mistake inside one class at compile time:
   * {@code SkBuffTest.aStreamVerdictAndAnSkbVerdictCannotShareAMap}.)
   */
  @KernelTest
  void aStreamVerdictAndAnSkbVerdictOnOneMapIsEbusy() {
    try (SkbPassDropLoader stream = SkbPassDropLoader.attach();
        SkbResizeLoader skb = SkbResizeLoader.attach()) {
      assertEbusy(skb.object().programId("resizeOnMap"), stream.object().map("passMap").fd(), 38);
      assertEbusy(stream.object().programId("passOnMap"), skb.object().map("resizeMap").fd(), 5);
    }
  }

  /** The same mistake inside one class never reaches the kernel: javac reports it. */
  @Test
  void theSameConflictInOneClassIsACompileError() {
    JavaFileObject source =
        JavaFileObjects.forSourceString(
            "conflict.Both",
            """
            package conflict;

            import io.sockmap4j.*;

            final class Both {
              @SockMap(maxEntries = 2)
              static SocketMap socks;

              @SkSkbVerdict(map = "socks")
              static Verdict stream(SkBuff skb) {
                return Verdict.PASS;
              }

              @SkbVerdict(map = "socks")
              static Verdict any(SkBuff skb) {
                return Verdict.PASS;
              }
            }
            """);
    Compilation c = Compiler.javac().withProcessors(new SockmapProcessor()).compile(source);
    assertThat(c).hadErrorCount(1);
    assertThat(c)
        .hadErrorContaining("[sockmap4j.ConflictingPrograms] map 'socks' already has")
        .inFile(source)
        .onLineContaining("static Verdict any");
  }

  private static void assertEbusy(int programId, int mapFd, int attachType) {
    int progFd = Bpf.progFdById(programId).orElseThrow();
    try {
      BpfException e =
          assertThrows(
              BpfException.class,
              () -> Bpf.progAttach("conflicting verdict", mapFd, progFd, attachType));
      assertEquals(Errno.EBUSY, e.errno(), e.getMessage());
      assertTrue(e.getMessage().contains("conflicting verdict program"), e.getMessage());
    } finally {
      LibC.INSTANCE.close(progFd);
    }
  }

  // ----------------------------------------------------------------------- the maps

  @KernelTest
  void oneSocketInManyMapsLookupsReturnItsCookieAndCloseRemovesItEverywhere() throws Exception {
    try (SkbPlainMapsLoader bpf = SkbPlainMapsLoader.attach()) {
      TcpPair pair = TcpPair.open();
      long cookie = Sockets.cookie(pair.client());
      try {
        bpf.first().put(0, pair.client());
        bpf.second().put(3, pair.client());
        bpf.third().put(cookie, pair.client());
        assertEquals(cookie, bpf.first().cookie(0).orElseThrow(), "SO_COOKIE from the SOCKMAP");
        assertEquals(cookie, bpf.second().cookie(3).orElseThrow());
        assertEquals(cookie, bpf.third().cookie(cookie).orElseThrow(), "from the SOCKHASH");
        assertTrue(bpf.second().remove(3), "delete from one map");
        assertFalse(bpf.second().contains(3));
        assertTrue(bpf.first().contains(0), "the other maps keep it");
      } finally {
        pair.close();
      }
      awaitGone(() -> bpf.first().contains(0) || bpf.third().contains(cookie));
      assertFalse(bpf.first().remove(0), "delete after close: nothing to delete");
      assertFalse(bpf.third().remove(cookie));
      assertEquals(0, bpf.first().size() + bpf.second().size() + bpf.third().size());
    }
  }

  /** A socket takes the programs of the first map with a verdict; a second verdict is EBUSY. */
  @KernelTest
  void aSocketJoinsOnlyOneMapWithAVerdict() throws Exception {
    try (SkbPassDropLoader bpf = SkbPassDropLoader.attach();
        TcpPair pair = TcpPair.open()) {
      bpf.passMap().put(0, pair.client());
      BpfException e = assertThrows(BpfException.class, () -> bpf.dropMap().put(0, pair.client()));
      assertEquals("EBUSY", e.errnoName(), e.getMessage());
      byte[] sent = pattern(8, 100);
      pair.sendToClient(sent);
      assertArrayEquals(sent, pair.readOnClient(100), "still under the first map's pass");
    }
  }

  @KernelTest
  void unsuitableSocketsAreRefused() throws Exception {
    try (SkbPlainMapsLoader bpf = SkbPlainMapsLoader.attach();
        SocketChannel unconnected = SocketChannel.open();
        DatagramChannel unbound = DatagramChannel.open()) {
      BpfException tcp = assertThrows(BpfException.class, () -> bpf.first().put(0, unconnected));
      assertEquals("EOPNOTSUPP", tcp.errnoName(), tcp.getMessage());
      BpfException udp = assertThrows(BpfException.class, () -> bpf.first().put(1, unbound));
      assertEquals("EOPNOTSUPP", udp.errnoName(), udp.getMessage());
      assertEquals(0, bpf.first().size());
    }
  }

  // ---------------------------------------------------------------------------- UDP

  @KernelTest
  void udpDatagramsAreRedirectedToAnotherSocketsIngress() throws Exception {
    try (SkbUdpLoader bpf = SkbUdpLoader.attach()) {
      SockMapHandle map = bpf.udpIngressMap();
      SockHashHandle<Integer> hash = bpf.udpIngressHash();
      udpIngress((key, channel) -> map.put(key, channel), "SOCKMAP");
      udpIngress((key, channel) -> hash.put(key, channel), "SOCKHASH");
    }
  }

  private static void udpIngress(BiConsumer<Integer, DatagramChannel> insert, String kind)
      throws Exception {
    try (UdpPair source = UdpPair.open();
        UdpPair target = UdpPair.open()) {
      insert.accept(0, source.receiver());
      insert.accept(SkbUdp.TARGET, target.receiver());
      byte[] datagram = pattern(9, 1200);
      source.sender().write(ByteBuffer.wrap(datagram));
      assertArrayEquals(datagram, receive(target.receiver()), kind);
      assertNull(receiveNow(source.receiver()), kind + ": the bound receiver got it too");
    }
  }

  /** Egress: the target sends the datagram to its connected peer. */
  @KernelTest
  void udpDatagramsAreRedirectedOutThroughAnotherSocket() throws Exception {
    try (SkbUdpLoader bpf = SkbUdpLoader.attach();
        UdpPair source = UdpPair.open();
        UdpPair target = UdpPair.open()) {
      bpf.udpEgressMap().put(0, source.receiver());
      bpf.udpEgressMap().put(SkbUdp.TARGET, target.receiver());
      byte[] datagram = pattern(10, 1200);
      source.sender().write(ByteBuffer.wrap(datagram));
      assertArrayEquals(datagram, receive(target.sender()), "at the target's peer");
      assertNull(receiveNow(target.receiver()));
      assertNull(receiveNow(source.receiver()));
    }
  }

  // --------------------------------------------------------------------------- helpers

  /**
   * Two connected AF_INET UDP sockets on 127.0.0.1: {@code sender} sends to {@code receiver}. They
   * are read with {@code read}, not {@code receive}: a datagram that a sockmap redirect queued on a
   * socket comes without a source address, which {@code receive} cannot represent.
   */
  private record UdpPair(DatagramChannel sender, DatagramChannel receiver)
      implements AutoCloseable {
    static UdpPair open() throws IOException {
      InetAddress lo = InetAddress.getByName("127.0.0.1");
      DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET);
      DatagramChannel receiver = DatagramChannel.open(StandardProtocolFamily.INET);
      sender.bind(new InetSocketAddress(lo, 0));
      receiver.bind(new InetSocketAddress(lo, 0));
      sender.connect(receiver.getLocalAddress());
      receiver.connect(sender.getLocalAddress());
      sender.configureBlocking(false);
      receiver.configureBlocking(false);
      return new UdpPair(sender, receiver);
    }

    @Override
    public void close() throws IOException {
      sender.close();
      receiver.close();
    }
  }

  private static byte[] receive(DatagramChannel channel) throws Exception {
    long deadline = System.nanoTime() + TcpPair.READ_TIMEOUT_MS * 1_000_000L;
    byte[] got;
    while ((got = receiveNow(channel)) == null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no datagram arrived on " + channel.getLocalAddress());
      }
      Thread.sleep(2);
    }
    return got;
  }

  /** A datagram already queued on {@code channel}, or null. */
  private static byte[] receiveNow(DatagramChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(2048);
    int n = channel.read(buffer);
    return n <= 0 ? null : Arrays.copyOf(buffer.array(), n);
  }

  private interface Insert {
    void accept(TcpPair pair) throws Exception;
  }

  private interface InsertAt {
    void accept(int key, Object socket) throws Exception;
  }

  private interface Scenario {
    void run(Insert insert, String kind) throws Exception;
  }

  private interface TwoSocketScenario {
    void run(InsertAt source, InsertAt target, String kind) throws Exception;
  }

  /** Runs {@code scenario} with the pair's client put into the SOCKMAP, then the SOCKHASH. */
  private static void eachMapKind(
      SockMapHandle map, SockHashHandle<Integer> hash, Scenario scenario) throws Exception {
    scenario.run(pair -> map.put(0, pair.client()), "SOCKMAP");
    scenario.run(pair -> hash.put(0, pair.client()), "SOCKHASH");
  }

  private static void eachMapKind(
      SockMapHandle map, SockHashHandle<Integer> hash, TwoSocketScenario scenario)
      throws Exception {
    InsertAt intoMap = (key, socket) -> putAny(map, key, socket);
    InsertAt intoHash = (key, socket) -> putAny(hash, key, socket);
    scenario.run(intoMap, intoMap, "SOCKMAP");
    scenario.run(intoHash, intoHash, "SOCKHASH");
  }

  private static void putAny(SockMapHandle map, int key, Object socket) {
    map.put(key, Sockets.fd(socket));
  }

  private static void putAny(SockHashHandle<Integer> hash, int key, Object socket) {
    hash.put(key, Sockets.fd(socket));
  }

  private interface Condition {
    boolean holds();
  }

  private static void awaitGone(Condition present) throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (present.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("a closed socket stayed in a map");
      }
      Thread.sleep(5);
    }
  }

  private static byte[] pattern(long seed, int length) {
    byte[] bytes = new byte[length];
    new Pattern(seed).fill(0, bytes, 0, length);
    return bytes;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static int uid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }
}
