package io.sockmap4j.examples.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * The router end to end on loopback: real backends record what they receive, clients send frames of
 * random routes and sizes in random write chunkings, and each backend must receive exactly its
 * route's frames, in order, byte for byte, with the counters agreeing.
 */
class MessageRouterTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  private static final int[] ROUTES = {0, 1, 2};
  private static final int UNROUTED = 9;
  private static final long WAIT_MS = 20_000;

  @KernelTest
  void everyFrameReachesItsRoutesBackendByteExactWhateverTheSegmentation() throws Exception {
    KernelCleanup.Ids ids;
    List<RecordingBackend> backends = backends();
    try (MessageRouter router = MessageRouter.start(LOOPBACK, routes(backends))) {
      ids = KernelCleanup.Ids.of(router.bpf().object());
      Random random = new Random(5);
      Map<Integer, ByteArrayOutputStream> expected = new HashMap<>();
      Map<Integer, long[]> counts = new HashMap<>();
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      int frames = 3_000;
      for (int i = 0; i < frames; i++) {
        // the last frame goes to route 0: once backend 0 has it, every verdict has run
        int route = i == frames - 1 ? 0 : random.nextInt(8) == 0 ? UNROUTED : random.nextInt(3);
        byte[] frame = frame(route, bodySize(random, i), random);
        stream.writeBytes(frame);
        expected.computeIfAbsent(route, r -> new ByteArrayOutputStream()).writeBytes(frame);
        long[] c = counts.computeIfAbsent(route, r -> new long[2]);
        c[0]++;
        c[1] += frame.length;
      }

      try (Socket client = new Socket()) {
        client.connect(router.address(), 5_000);
        client.setTcpNoDelay(true);
        writeInRandomChunks(client.getOutputStream(), stream.toByteArray(), random);
        for (int route : ROUTES) {
          byte[] want = expected.get(route).toByteArray();
          byte[] got = backends.get(route).await(want.length, WAIT_MS);
          assertEquals(want.length, got.length, "bytes at backend " + route);
          assertArrayEquals(want, got, "backend " + route + " stream");
          assertEquals(counts.get(route)[0], router.routedFrames(route), "frames to " + route);
          assertEquals(counts.get(route)[1], router.routedBytes(route), "bytes to " + route);
        }
      }
      assertEquals(counts.get(UNROUTED)[0], router.unroutedFrames());
      assertEquals(counts.get(UNROUTED)[1], router.unroutedBytes());
      assertEquals(0, router.badLengths());
      assertEquals(0, router.routedFrames(UNROUTED));
      Thread.sleep(100);
      for (int route : ROUTES) {
        assertEquals(
            expected.get(route).size(), backends.get(route).received().length, "nothing more");
      }
    } finally {
      close(backends);
    }
    KernelCleanup.assertFreed(ids);
  }

  /**
   * Several clients at once, some with Nagle's coalescing and some without: each backend's stream
   * is whole frames, and each client's frames to it arrive in the order sent.
   */
  @KernelTest
  void concurrentClientsKeepTheirOrderPerBackend() throws Exception {
    List<RecordingBackend> backends = backends();
    try (MessageRouter router = MessageRouter.start(LOOPBACK, routes(backends))) {
      int clients = 4;
      int framesEach = 800;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      Map<Integer, Map<Integer, List<byte[]>>> expected = new HashMap<>();
      long[] totalBytes = new long[ROUTES.length];
      try {
        List<Future<?>> runs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          Random random = new Random(100 + c);
          ByteArrayOutputStream stream = new ByteArrayOutputStream();
          for (int i = 0; i < framesEach; i++) {
            int route = random.nextInt(3);
            byte[] frame = taggedFrame(route, c, i, bodySize(random, i), random);
            stream.writeBytes(frame);
            expected
                .computeIfAbsent(route, r -> new HashMap<>())
                .computeIfAbsent(c, k -> new ArrayList<>())
                .add(frame);
            totalBytes[route] += frame.length;
          }
          boolean noDelay = c % 2 == 0;
          runs.add(
              pool.submit(
                  () -> {
                    try (Socket client = new Socket()) {
                      client.connect(router.address(), 5_000);
                      client.setTcpNoDelay(noDelay);
                      writeInRandomChunks(client.getOutputStream(), stream.toByteArray(), random);
                    }
                    return null;
                  }));
        }
        for (Future<?> run : runs) {
          run.get();
        }
      } finally {
        pool.shutdownNow();
      }
      for (int route : ROUTES) {
        byte[] got = backends.get(route).await(totalBytes[route], WAIT_MS);
        assertEquals(totalBytes[route], got.length, "bytes at backend " + route);
        Map<Integer, List<byte[]>> byClient = new HashMap<>();
        for (byte[] frame : RecordingBackend.frames(got)) {
          byClient.computeIfAbsent((int) frame[Router.HEADER], k -> new ArrayList<>()).add(frame);
        }
        Map<Integer, List<byte[]>> want = expected.get(route);
        assertEquals(want.keySet(), byClient.keySet(), "clients seen at backend " + route);
        for (int c : want.keySet()) {
          List<byte[]> w = want.get(c);
          List<byte[]> g = byClient.get(c);
          assertEquals(w.size(), g.size(), "frames of client " + c + " at backend " + route);
          for (int i = 0; i < w.size(); i++) {
            assertArrayEquals(w.get(i), g.get(i), "client " + c + " frame " + i + " at " + route);
          }
        }
        assertEquals(totalBytes[route], router.routedBytes(route));
      }
      assertEquals(0, router.unroutedFrames());
    } finally {
      close(backends);
    }
  }

  /**
   * Short-lived clients: each connects, sends a few frames at once and closes. The router must not
   * close its side before the kernel has routed everything the client sent.
   */
  @KernelTest
  void clientsThatSendAndCloseAtOnceLoseNothing() throws Exception {
    List<RecordingBackend> backends = backends();
    try (MessageRouter router = MessageRouter.start(LOOPBACK, routes(backends))) {
      int clients = 300;
      Random random = new Random(21);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      long[] totalBytes = new long[ROUTES.length];
      try {
        List<Future<?>> runs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          ByteArrayOutputStream stream = new ByteArrayOutputStream();
          for (int i = 0; i < 3; i++) {
            int route = random.nextInt(3);
            byte[] frame = taggedFrame(route, c, i, random.nextInt(2_000), random);
            stream.writeBytes(frame);
            totalBytes[route] += frame.length;
          }
          runs.add(
              pool.submit(
                  () -> {
                    try (Socket client = new Socket()) {
                      client.connect(router.address(), 5_000);
                      client.getOutputStream().write(stream.toByteArray());
                    }
                    return null;
                  }));
        }
        for (Future<?> run : runs) {
          run.get();
        }
      } finally {
        pool.shutdownNow();
      }
      for (int route : ROUTES) {
        byte[] got = backends.get(route).await(totalBytes[route], WAIT_MS);
        assertEquals(totalBytes[route], got.length, "bytes at backend " + route);
        assertEquals(totalBytes[route], router.routedBytes(route));
      }
      assertEquals(3L * clients, RecordingBackend.frames(all(backends)).size());
      System.out.println(
          "short-lived clients: "
              + router.resentConnections()
              + " of "
              + clients
              + " had ended before their insert and were sent again");
    } finally {
      close(backends);
    }
  }

  /**
   * A length field out of range ends that client's connection: the frames before it are routed,
   * nothing after it is, and the router closes the connection and counts it. Other clients go on.
   */
  @KernelTest
  void aBogusLengthEndsTheConnectionAndIsCounted() throws Exception {
    List<RecordingBackend> backends = backends();
    try (MessageRouter router = MessageRouter.start(LOOPBACK, routes(backends))) {
      Random random = new Random(9);
      byte[] good = frame(0, 100, random);
      int[] bogus = {Router.MAX_BODY + 1, -1};
      for (int n = 0; n < bogus.length; n++) {
        try (Socket client = new Socket()) {
          client.connect(router.address(), 5_000);
          client.setSoTimeout((int) WAIT_MS);
          OutputStream out = client.getOutputStream();
          out.write(good);
          out.flush();
          backends.get(0).await((n + 1L) * good.length, WAIT_MS);
          // the bogus header and a good frame after it, in one write: the router may close the
          // connection as soon as the kernel has seen the header
          ByteBuffer bad = ByteBuffer.allocate(Router.HEADER + 8 + good.length);
          bad.putInt(bogus[n]).put((byte) 0).position(Router.HEADER + 8).put(good);
          out.write(bad.array());
          out.flush();
          assertTrue(closedByRouter(client.getInputStream()), "the router closed the connection");
        }
        long want = n + 1;
        awaitValue(want, router::badLengths);
        assertEquals(want, router.badLengths());
      }
      Thread.sleep(100);
      byte[] got = backends.get(0).received();
      assertEquals(2 * good.length, got.length, "only the frames before the bogus lengths");
      assertEquals(2, router.routedFrames(0));

      try (Socket other = new Socket()) {
        other.connect(router.address(), 5_000);
        other.getOutputStream().write(good);
        byte[] all = backends.get(0).await(3L * good.length, WAIT_MS);
        assertEquals(3 * good.length, all.length, "another client is still routed");
      }
    } finally {
      close(backends);
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  private static List<RecordingBackend> backends() throws IOException {
    List<RecordingBackend> backends = new ArrayList<>();
    for (int i = 0; i < ROUTES.length; i++) {
      backends.add(new RecordingBackend());
    }
    return backends;
  }

  private static Map<Integer, InetSocketAddress> routes(List<RecordingBackend> backends) {
    Map<Integer, InetSocketAddress> routes = new HashMap<>();
    for (int route : ROUTES) {
      routes.put(route, backends.get(route).address());
    }
    return routes;
  }

  private static byte[] all(List<RecordingBackend> backends) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (RecordingBackend backend : backends) {
      all.writeBytes(backend.received());
    }
    return all.toByteArray();
  }

  private static void close(List<RecordingBackend> backends) throws IOException {
    for (RecordingBackend backend : backends) {
      backend.close();
    }
  }

  /** Mostly tiny bodies (many frames per segment), some medium, a few up to the maximum. */
  private static int bodySize(Random random, int i) {
    if (i == 7) {
      return Router.MAX_BODY;
    }
    if (i == 8) {
      return 0;
    }
    int kind = random.nextInt(20);
    if (kind < 12) {
      return random.nextInt(24);
    } else if (kind < 18) {
      return random.nextInt(3_000);
    }
    return 16_000 + random.nextInt(Router.MAX_BODY - 16_000 + 1);
  }

  private static byte[] frame(int route, int body, Random random) {
    byte[] frame = new byte[Router.HEADER + body];
    random.nextBytes(frame);
    ByteBuffer.wrap(frame).putInt(body).put((byte) route);
    return frame;
  }

  /** A frame whose body starts with the client's number and the frame's sequence number. */
  private static byte[] taggedFrame(int route, int client, int seq, int body, Random random) {
    byte[] frame = frame(route, Math.max(body, 5), random);
    ByteBuffer.wrap(frame, Router.HEADER, 5).put((byte) client).putInt(seq);
    return frame;
  }

  /** Writes in chunks of random sizes: single bytes, a few bytes, kilobytes, or 100 KiB. */
  private static void writeInRandomChunks(OutputStream out, byte[] data, Random random)
      throws IOException {
    int at = 0;
    while (at < data.length) {
      int kind = random.nextInt(4);
      int n =
          switch (kind) {
            case 0 -> 1 + random.nextInt(3);
            case 1 -> 1 + random.nextInt(64);
            case 2 -> 1 + random.nextInt(8_192);
            default -> 1 + random.nextInt(100_000);
          };
      n = Math.min(n, data.length - at);
      out.write(data, at, n);
      at += n;
    }
    out.flush();
  }

  /** Whether reading ends with end-of-stream or a reset (the router closed), within the timeout. */
  private static boolean closedByRouter(InputStream in) throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketException e) {
      return true; // reset: the router closed with unread data
    }
  }

  private static void awaitValue(long want, LongSupplier value) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
    while (value.getAsLong() != want && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
