package io.sockmap4j.examples.balancer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.examples.Pattern;
import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.Sockets;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The balancer end to end: real loopback backends record what they receive, clients stream records
 * in arbitrary chunks, and every record must arrive whole, exactly once, at the backend the
 * rotation says, with the kernel's counters agreeing.
 */
class BalancerServerTest {
  private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
  private static final int RECORD = 64;
  private static final int HEADER = 8;

  /**
   * Five clients at once send 3, 30, 300, 3,000 and 15 records to three backends, each in random
   * chunks of 1 to 200 bytes, so that records straddle writes and segments. They start sending once
   * all five are in the map, so every record takes the kernel path. Each backend gets exactly a
   * third of the records, each client's record k goes to slot (start + k) % 3, records of one
   * client reach a backend in order, and the per-backend counters in the maps match.
   */
  @KernelTest
  void everyRecordArrivesWholeAtItsTurnInTheRotation() throws Exception {
    int[] recordsPerClient = {3, 30, 300, 3_000, 15};
    int total = Arrays.stream(recordsPerClient).sum();
    List<RecordingBackend> backends = backends(3);
    KernelCleanup.Ids ids;
    try (BalancerServer balancer = BalancerServer.start(ANY_PORT, addresses(backends), RECORD)) {
      ids = KernelCleanup.Ids.of(balancer.bpf().object());
      ExecutorService pool = Executors.newFixedThreadPool(recordsPerClient.length);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<?>> sends = new ArrayList<>();
        for (int c = 0; c < recordsPerClient.length; c++) {
          int client = c;
          sends.add(
              pool.submit(
                  () -> send(balancer.address(), client, recordsPerClient[client], 0, client, go)));
        }
        await(
            () -> balancer.bpf().clients().size() == recordsPerClient.length + 1,
            "every client in the map (and the relay connection)");
        go.countDown();
        for (Future<?> send : sends) {
          send.get();
        }
      } finally {
        pool.shutdownNow();
      }
      await(() -> received(backends) == (long) total * RECORD, "all records at the backends");
      await(() -> balancer.openClients() == 0, "every ended client closed");
      assertEquals(0, balancer.lateClients(), "every client went through the kernel path");
      checkRotation(backends, recordsPerClient);
      List<BackendStats> stats = balancer.stats();
      for (BackendStats s : stats) {
        assertEquals(total / 3, s.records(), s.toString());
        assertEquals((long) total / 3 * RECORD, s.bytes(), s.toString());
        assertEquals(0, s.dropped(), s.toString());
      }
      assertEquals(0, balancer.tornBytes());
      assertEquals(5, balancer.acceptedClients());
      assertEquals(
          1, balancer.bpf().cursors().size(), "only the relay connection's cursor is left");
      assertTrue(balancer.awaitDelivered(Duration.ofSeconds(5)));
    } finally {
      closeAll(backends);
    }
    KernelCleanup.assertFreed(ids);
  }

  /**
   * Forty clients connect, send 3 to 12 records and close at once, so some may have ended before
   * the balancer accepts them; the kernel refuses to map those, and {@link LateClients} passes
   * their records through the kernel path. Either way every record arrives whole, once, in the
   * client's consecutive turns of the rotation.
   */
  @KernelTest
  void clientsThatCloseAtOnceLoseNothing() throws Exception {
    int[] recordsPerClient = new int[40];
    for (int c = 0; c < recordsPerClient.length; c++) {
      recordsPerClient[c] = 3 * (1 + c % 4);
    }
    int total = Arrays.stream(recordsPerClient).sum();
    List<RecordingBackend> backends = backends(3);
    try (BalancerServer balancer = BalancerServer.start(ANY_PORT, addresses(backends), RECORD)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> sends = new ArrayList<>();
        for (int c = 0; c < recordsPerClient.length; c++) {
          int client = c;
          sends.add(
              pool.submit(
                  () ->
                      send(balancer.address(), client, recordsPerClient[client], 0, client, null)));
        }
        for (Future<?> send : sends) {
          send.get();
        }
      } finally {
        pool.shutdownNow();
      }
      await(() -> received(backends) == (long) total * RECORD, "all records at the backends");
      await(() -> balancer.openClients() == 0, "every ended client closed");
      System.out.println(
          "clients that ended before the balancer took them: " + balancer.lateClients());
      checkRotation(backends, recordsPerClient);
      assertEquals(total, balancer.stats().stream().mapToLong(BackendStats::records).sum());
      assertEquals(0, balancer.tornBytes());
    } finally {
      closeAll(backends);
    }
  }

  /**
   * The late path on its own, made certain: a socket whose peer has sent 7 records and 5 more bytes
   * and closed is refused by the map (CLOSE_WAIT), and {@link LateClients} passes its 7 records
   * through the relay connection to the backends and reports the 5 torn bytes.
   */
  @KernelTest
  void aClientThatEndedBeforeItWasMappedGoesThroughTheRelay() throws Exception {
    List<RecordingBackend> backends = backends(2);
    try (BalanceLoader bpf = BalanceLoader.attach();
        ServerSocketChannel listener = ServerSocketChannel.open()) {
      List<SocketChannel> backendSockets = new ArrayList<>();
      for (int slot = 0; slot < 2; slot++) {
        SocketChannel socket = SocketChannel.open(backends.get(slot).address());
        backendSockets.add(socket);
        bpf.backends().put(slot, socket);
      }
      bpf.config().put(Balance.RECORD_SIZE, RECORD);
      bpf.config().put(Balance.BACKEND_COUNT, 2);
      listener.bind(ANY_PORT);
      send((InetSocketAddress) listener.getLocalAddress(), 3, 7, 5, 9, null);
      SocketChannel ended = listener.accept();
      await(() -> Sockets.peerClosed(ended), "the client's FIN");
      assertThrows(BpfException.class, () -> bpf.clients().put(Sockets.cookie(ended), ended));

      CompletableFuture<Long> torn = new CompletableFuture<>();
      try (LateClients late = LateClients.open(bpf, RECORD)) {
        late.pass(ended, torn::complete);
        assertEquals(5L, torn.get(5, TimeUnit.SECONDS));
        await(() -> received(backends) == 7L * RECORD, "7 records at the backends");
        assertEquals(1, late.clients());
      }
      checkRotation(backends, new int[] {0, 0, 0, 7});
      assertEquals(4, bpf.records().sum(0));
      assertEquals(3, bpf.records().sum(1));
      for (SocketChannel socket : backendSockets) {
        socket.close();
      }
    } finally {
      closeAll(backends);
    }
  }

  /**
   * A client that ends in the middle of a record: the whole records are balanced, and the 10 bytes
   * of the last one, which can never form a record, are counted as torn once the client is closed.
   */
  @KernelTest
  void aTrailingPartialRecordIsCountedNotForwarded() throws Exception {
    List<RecordingBackend> backends = backends(2);
    try (BalancerServer balancer = BalancerServer.start(ANY_PORT, addresses(backends), RECORD)) {
      send(balancer.address(), 7, 5, 10, 1, null);
      await(() -> balancer.openClients() == 0, "the client closed");
      await(() -> received(backends) == 5L * RECORD, "5 records at the backends");
      assertEquals(10, balancer.tornBytes());
      assertEquals(3 * RECORD, backends.get(0).receivedCount(), "the first client starts at 0");
      assertEquals(2 * RECORD, backends.get(1).receivedCount());
      assertEquals(3, balancer.stats().get(0).records());
      assertEquals(2, balancer.stats().get(1).records());
    } finally {
      closeAll(backends);
    }
  }

  /**
   * When a backend goes away, its slot empties: records due to it are dropped and counted, and the
   * others still get theirs.
   */
  @KernelTest
  void recordsForABackendThatWentAwayAreDroppedAndCounted() throws Exception {
    List<RecordingBackend> backends = backends(2);
    try (BalancerServer balancer = BalancerServer.start(ANY_PORT, addresses(backends), RECORD)) {
      backends.get(1).disconnect();
      await(() -> !balancer.bpf().backends().contains(1), "the gone backend's slot emptied");
      assertFalse(balancer.stats().get(1).connected());

      send(balancer.address(), 1, 6, 0, 2, null);
      await(() -> balancer.openClients() == 0, "the client closed");
      await(() -> received(backends) == 3L * RECORD, "3 records at backend 0");
      assertEquals(3, balancer.stats().get(0).records());
      assertEquals(0, balancer.stats().get(1).records());
      assertEquals(3, balancer.stats().get(1).dropped());
      assertEquals(0, balancer.tornBytes());
    } finally {
      closeAll(backends);
    }
  }

  /** The command line runs, reports each backend and stops by itself with --seconds. */
  @KernelTest
  void theCommandLineRunsAndReportsTheCounters() throws Exception {
    List<RecordingBackend> backends = backends(2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      exit =
          new CommandLine(new BalancerServer.Cli())
              .execute(
                  "--port", "0",
                  "--backend", "127.0.0.1:" + backends.get(0).address().getPort(),
                  "--backend", "127.0.0.1:" + backends.get(1).address().getPort(),
                  "--record-size", "16",
                  "--seconds", "1",
                  "--interval", "0");
    } finally {
      System.setOut(stdout);
      closeAll(backends);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, printed);
    assertTrue(printed.contains("balancing 16-byte records"), printed);
    assertTrue(printed.contains("final counters"), printed);
    assertTrue(printed.contains("backend 0 ") && printed.contains("backend 1 "), printed);
  }

  @Test
  void refusesAnUnusableConfigurationBeforeLoadingAnything() {
    List<InetSocketAddress> one = List.of(new InetSocketAddress("127.0.0.1", 9));
    assertThrows(
        IllegalArgumentException.class, () -> BalancerServer.start(ANY_PORT, List.of(), 8));
    IllegalArgumentException tooBig =
        assertThrows(
            IllegalArgumentException.class,
            () -> BalancerServer.start(ANY_PORT, one, BalancerServer.MAX_RECORD_SIZE + 1));
    assertTrue(tooBig.getMessage().contains("record size"), tooBig.getMessage());
  }

  @Test
  void parsesBackendAddresses() {
    BalancerServer.HostPort parse = new BalancerServer.HostPort();
    assertEquals(new InetSocketAddress("127.0.0.1", 9001), parse.convert("127.0.0.1:9001"));
    assertEquals(new InetSocketAddress("::1", 9001), parse.convert("[::1]:9001"));
    for (String bad : List.of("9001", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:70000")) {
      assertThrows(CommandLine.TypeConversionException.class, () -> parse.convert(bad), bad);
    }
  }

  /**
   * Checks what the backends received: whole records, each exactly as its client sent it, each
   * client's records in order at each backend, its record k at slot (start + k) % backends, and
   * exactly {@code recordsPerClient[c]} records of client c in all.
   */
  private static void checkRotation(List<RecordingBackend> backends, int[] recordsPerClient) {
    int n = backends.size();
    Map<Integer, Integer> startOf = new HashMap<>();
    int[] seen = new int[recordsPerClient.length];
    for (int slot = 0; slot < n; slot++) {
      byte[] stream = backends.get(slot).received();
      assertEquals(0, stream.length % RECORD, "whole records at backend " + slot);
      int[] lastSeq = new int[recordsPerClient.length];
      Arrays.fill(lastSeq, -1);
      for (int at = 0; at < stream.length; at += RECORD) {
        ByteBuffer record = ByteBuffer.wrap(stream, at, RECORD);
        int client = record.getInt();
        int seq = record.getInt();
        assertTrue(client >= 0 && client < recordsPerClient.length, "client " + client);
        assertEquals(-1, mismatch(stream, at, client, seq), "record " + client + "/" + seq);
        assertTrue(seq > lastSeq[client], "client " + client + " records out of order");
        lastSeq[client] = seq;
        seen[client]++;
        int start = Math.floorMod(slot - seq, n);
        Integer first = startOf.putIfAbsent(client, start);
        assertEquals(
            first == null ? start : first,
            start,
            "client " + client + " record " + seq + " went to backend " + slot);
      }
    }
    assertArrayEquals(recordsPerClient, seen, "records per client");
  }

  /**
   * Connects, sends {@code records} records of client {@code client} and then {@code tail} bytes of
   * one more, in random chunks of 1 to 200 bytes, and closes. If {@code before} is given, waits
   * until it holds before sending.
   */
  private static Void send(
      InetSocketAddress target, int client, int records, int tail, long seed, CountDownLatch go)
      throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int seq = 0; seq <= records; seq++) {
      all.write(record(client, seq), 0, seq < records ? RECORD : tail);
    }
    byte[] bytes = all.toByteArray();
    Random random = new Random(seed);
    try (Socket socket = new Socket()) {
      socket.connect(target, 5_000);
      socket.setTcpNoDelay(true);
      if (go != null && !go.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the test never said go");
      }
      OutputStream out = socket.getOutputStream();
      for (int at = 0; at < bytes.length; ) {
        int n = Math.min(bytes.length - at, 1 + random.nextInt(200));
        out.write(bytes, at, n);
        at += n;
      }
    }
    return null;
  }

  /**
   * Record {@code seq} of {@code client}: the two ints, then pattern bytes unique to the record.
   */
  private static byte[] record(int client, int seq) {
    byte[] record = new byte[RECORD];
    ByteBuffer.wrap(record).putInt(client).putInt(seq);
    new Pattern(client).fill((long) seq * RECORD, record, HEADER, RECORD - HEADER);
    return record;
  }

  private static int mismatch(byte[] stream, int at, int client, int seq) {
    return Arrays.mismatch(Arrays.copyOfRange(stream, at, at + RECORD), record(client, seq));
  }

  private static List<RecordingBackend> backends(int n) throws Exception {
    List<RecordingBackend> backends = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      backends.add(new RecordingBackend());
    }
    return backends;
  }

  private static List<InetSocketAddress> addresses(List<RecordingBackend> backends)
      throws Exception {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (RecordingBackend backend : backends) {
      addresses.add(backend.address());
    }
    return addresses;
  }

  private static long received(List<RecordingBackend> backends) {
    return backends.stream().mapToLong(RecordingBackend::receivedCount).sum();
  }

  private static void closeAll(List<RecordingBackend> backends) throws Exception {
    for (RecordingBackend backend : backends) {
      backend.close();
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(2);
    }
  }
}
