package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.internal.SocketOptions;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.LoopbackPair;
import io.sockmap4j.runtime.testing.RawInsns;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real bytes through real sockmap programs on loopback: the echo verdict redirects everything the
 * server side receives back out through the server side, so the client reads what it sent while
 * Java never reads the server socket.
 */
@ExtendWith(KernelLeakCheck.class)
class RedirectTest {

  private static final String SOCKS = TestNames.of("esocks");
  private static final int MIB = 1 << 20;
  private static final int EARLY = 1000;
  private static final long WAIT_SECONDS = 30;

  @KernelTest
  void echoesAMebibyteByteExact() throws Exception {
    byte[] payload = randomBytes(MIB, 1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (BpfObject object = BpfObject.load(TestSpecs.echo(SOCKS));
        LoopbackPair pair = LoopbackPair.open()) {
      new SockMapHandle(object.map(SOCKS)).put(0, pair.accepted());

      Future<byte[]> echoed = threads.submit(() -> pair.readFromClient(MIB));
      Future<?> sent =
          threads.submit(
              () -> {
                pair.client().getOutputStream().write(payload);
                return null;
              });

      sent.get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertArrayEquals(payload, echoed.get(WAIT_SECONDS, TimeUnit.SECONDS));
    } finally {
      threads.shutdownNow();
      assertTrue(threads.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
    }
  }

  @KernelTest
  void bytesQueuedBeforeThePutAreEchoed() throws Exception {
    try (BpfObject object = BpfObject.load(TestSpecs.echo(SOCKS));
        LoopbackPair pair = LoopbackPair.open()) {
      byte[] early = sendEarly(pair);

      new SockMapHandle(object.map(SOCKS)).put(0, pair.accepted());

      assertArrayEquals(early, pair.readFromClient(EARLY));
    }
  }

  @KernelTest
  void bytesQueuedBeforeThePutAreEchoedThroughAStreamParser() throws Exception {
    try (BpfObject object = BpfObject.load(TestSpecs.echoWithParser(SOCKS));
        LoopbackPair pair = LoopbackPair.open()) {
      byte[] early = sendEarly(pair);

      new SockMapHandle(object.map(SOCKS)).put(0, pair.accepted());

      assertArrayEquals(early, pair.readFromClient(EARLY));
    }
  }

  /**
   * A socket whose own {@code SO_RCVLOWAT} exceeds the queued bytes: re-setting that value would
   * not wake the psock, so the kick lowers it to 1 first, and then restores it.
   */
  @KernelTest
  void kickWorksWhenTheLowWatermarkExceedsTheQueuedBytes() throws Exception {
    try (BpfObject object = BpfObject.load(TestSpecs.echo(SOCKS));
        LoopbackPair pair = LoopbackPair.open()) {
      int fd = Sockets.fd(pair.accepted());
      SocketOptions.setReceiveLowWatermark(fd, 4 * EARLY);
      byte[] early = sendEarly(pair);

      new SockMapHandle(object.map(SOCKS)).put(0, pair.accepted());

      assertArrayEquals(early, pair.readFromClient(EARLY));
      assertEquals(4 * EARLY, SocketOptions.receiveLowWatermark(fd));
    }
  }

  /**
   * Documents the kernel behaviour that {@link Sockets#kick} exists for: inserting a socket does
   * not run its programs over bytes already queued; the kick does.
   */
  @KernelTest
  void withoutTheKickQueuedBytesWait() throws Exception {
    assertQueuedBytesNeedTheKick(TestSpecs.echo(SOCKS));
  }

  /** As {@link #withoutTheKickQueuedBytesWait()}, with a stream parser (strparser path). */
  @KernelTest
  void withoutTheKickQueuedBytesWaitWithAStreamParser() throws Exception {
    assertQueuedBytesNeedTheKick(TestSpecs.echoWithParser(SOCKS));
  }

  @KernelTest
  void skMsgVerdictsRunOnSend() throws Exception {
    ProgramSpec pass =
        TestSpecs.pass(TestNames.of("msgpass"), TestSpecs.SK_MSG, TestSpecs.SK_MSG_VERDICT, 0);
    RawInsns dropInsns = new RawInsns().movImm(0, 0).exit();
    ProgramSpec drop =
        new ProgramSpec(
            TestNames.of("msgdrop"),
            TestSpecs.SK_MSG,
            0,
            TestSpecs.SK_MSG_VERDICT,
            0,
            TestSpecs.SOURCE,
            dropInsns.bytes(),
            List.of(),
            List.of());
    String dropping = TestNames.of("dsocks");
    try (BpfObject passing =
            BpfObject.load(
                new ObjectSpec("GPL", List.of(TestSpecs.sockmap(SOCKS, 1)), List.of(pass)));
        BpfObject refusing =
            BpfObject.load(
                new ObjectSpec("GPL", List.of(TestSpecs.sockmap(dropping, 1)), List.of(drop)));
        LoopbackPair passed = LoopbackPair.open();
        LoopbackPair dropped = LoopbackPair.open()) {
      new SockMapHandle(passing.map(SOCKS)).put(0, passed.client());
      new SockMapHandle(refusing.map(dropping)).put(0, dropped.client());

      passed.client().getOutputStream().write("hello".getBytes());
      passed.accepted().socket().setSoTimeout((int) LoopbackPair.READ_TIMEOUT.toMillis());
      byte[] received = passed.accepted().socket().getInputStream().readNBytes(5);
      assertEquals("hello", new String(received));

      IOException refused =
          assertThrows(
              IOException.class, () -> dropped.client().getOutputStream().write("nope".getBytes()));
      assertTrue(refused.getMessage().contains("Permission denied"), refused.getMessage());
    }
  }

  private static void assertQueuedBytesNeedTheKick(ObjectSpec spec) throws Exception {
    try (BpfObject object = BpfObject.load(spec);
        LoopbackPair pair = LoopbackPair.open()) {
      byte[] early = sendEarly(pair);
      int fd = Sockets.fd(pair.accepted());
      byte[] index0 = new byte[4];
      byte[] fdValue = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(fd).array();

      object.map(SOCKS).update(index0, fdValue, 0);

      pair.client().setSoTimeout(500);
      assertThrows(
          SocketTimeoutException.class,
          () -> pair.client().getInputStream().read(),
          "the kernel ran the programs over bytes queued before the insert: the kick is no"
              + " longer needed on this kernel");
      pair.client().setSoTimeout((int) LoopbackPair.READ_TIMEOUT.toMillis());

      Sockets.kick(fd);

      assertArrayEquals(early, pair.readFromClient(EARLY));
    }
  }

  /** Sends {@link #EARLY} bytes and waits until they are queued on the server side. */
  private static byte[] sendEarly(LoopbackPair pair) throws Exception {
    byte[] early = randomBytes(EARLY, 2);
    pair.client().getOutputStream().write(early);
    InputStream server = pair.accepted().socket().getInputStream();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (server.available() < EARLY) {
      assertTrue(System.nanoTime() < deadline, "the early bytes never reached the server socket");
      Thread.sleep(5);
    }
    return early;
  }

  private static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
