package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.LoopbackPair;
import io.sockmap4j.runtime.testing.RawInsns;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link EndWatcher} on real loopback sockets: every kind of end is reported once, and data the
 * kernel splices through a verdict-only sockmap does not wake its thread, where it wakes a {@link
 * Selector}'s.
 */
@ExtendWith(KernelLeakCheck.class)
class EndWatcherTest {

  private static final String SOCKS = TestNames.of("endsocks");
  private static final long WAIT_SECONDS = 10;
  private static final int ROUND_TRIPS = 2000;

  @KernelTest
  void reportsThePeersFinOnce() throws Exception {
    try (EndWatcher watcher = EndWatcher.start("sm4j-endw-fin");
        LoopbackPair pair = LoopbackPair.open()) {
      Ends ends = new Ends();
      watcher.watch(pair.accepted(), ends);
      pair.client().getOutputStream().write(new byte[1000]); // data alone is no end
      assertFalse(ends.latch.await(200, TimeUnit.MILLISECONDS), "data was reported as an end");

      pair.client().shutdownOutput();

      assertTrue(ends.latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "FIN not reported");
      Thread.sleep(100);
      assertEquals(1, ends.count.get());
      assertEquals(0, watcher.watched());
    }
  }

  @KernelTest
  void reportsAReset() throws Exception {
    try (EndWatcher watcher = EndWatcher.start("sm4j-endw-rst");
        LoopbackPair pair = LoopbackPair.open()) {
      Ends ends = new Ends();
      watcher.watch(pair.accepted(), ends);

      pair.client().setSoLinger(true, 0);
      pair.client().close(); // RST

      assertTrue(ends.latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "RST not reported");
    }
  }

  @KernelTest
  void reportsAStreamParsersError() throws Exception {
    ProgramSpec failingParser =
        new ProgramSpec(
            TestNames.of("failparse"),
            TestSpecs.SK_SKB,
            0,
            TestSpecs.STREAM_PARSER,
            0,
            TestSpecs.SOURCE,
            new RawInsns().movImm(0, -90).exit().bytes(), // -EMSGSIZE
            List.of(),
            List.of());
    ObjectSpec spec =
        new ObjectSpec(
            "GPL",
            List.of(TestSpecs.sockmap(SOCKS, 4)),
            List.of(failingParser, TestSpecs.redirectToIndex0(TestNames.of("echo"), 0)));
    try (BpfObject object = BpfObject.load(spec);
        EndWatcher watcher = EndWatcher.start("sm4j-endw-err");
        LoopbackPair pair = LoopbackPair.open()) {
      new SockMapHandle(object.map(SOCKS)).put(0, pair.accepted());
      Ends ends = new Ends();
      watcher.watch(pair.accepted(), ends);

      pair.client().getOutputStream().write(new byte[10]);

      assertTrue(ends.latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "parser error not reported");
      assertEquals(90, Sockets.pendingError(pair.accepted()));
    }
  }

  @KernelTest
  void aSocketThatEndedBeforeTheWatchIsReportedAtOnce() throws Exception {
    try (EndWatcher watcher = EndWatcher.start("sm4j-endw-pre");
        LoopbackPair pair = LoopbackPair.open()) {
      pair.client().shutdownOutput();
      waitUntil(() -> Sockets.peerClosed(pair.accepted()));
      Ends ends = new Ends();

      watcher.watch(pair.accepted(), ends);

      assertTrue(ends.latch.await(WAIT_SECONDS, TimeUnit.SECONDS));
    }
  }

  @KernelTest
  void unwatchedSocketsAreNotReported() throws Exception {
    try (EndWatcher watcher = EndWatcher.start("sm4j-endw-unw");
        LoopbackPair pair = LoopbackPair.open()) {
      Ends ends = new Ends();
      watcher.watch(pair.accepted(), ends);
      assertThrows(IllegalStateException.class, () -> watcher.watch(pair.accepted(), ends));
      assertEquals(1, watcher.watched());

      assertTrue(watcher.unwatch(pair.accepted()));
      assertFalse(watcher.unwatch(pair.accepted()));
      pair.client().shutdownOutput();

      assertFalse(ends.latch.await(300, TimeUnit.MILLISECONDS));
      assertEquals(0, watcher.watched());
    }
  }

  @KernelTest
  void aClosedWatcherRefusesWatchesAndClosesOnce() throws Exception {
    EndWatcher watcher = EndWatcher.start("sm4j-endw-cls");
    watcher.close();
    watcher.close();
    try (LoopbackPair pair = LoopbackPair.open()) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> watcher.watch(pair.accepted(), () -> {}));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
    IllegalArgumentException notSocket =
        assertThrows(
            IllegalArgumentException.class,
            () -> EndWatcher.start("sm4j-endw-bad").watch(new Object(), () -> {}));
    assertTrue(notSocket.getMessage().contains("file descriptor"), notSocket.getMessage());
  }

  /**
   * The reason the class exists: with a verdict-only SK_SKB program, the kernel calls the socket's
   * original data-ready callback after each redirect, which wakes a Selector's thread once per
   * message (measured here as the control, so that this test can see wake-ups at all); the
   * watcher's thread must stay asleep.
   */
  @KernelTest
  void splicedDataDoesNotWakeTheWatcher() throws Exception {
    long selectorWakeups;
    try (BpfObject object = BpfObject.load(TestSpecs.echo(SOCKS));
        LoopbackPair pair = LoopbackPair.open();
        Selector selector = Selector.open()) {
      new SockMapHandle(object.map(SOCKS)).put(0, pair.accepted());
      pair.accepted().configureBlocking(false);
      pair.accepted().register(selector, SelectionKey.OP_READ);
      AtomicBoolean stop = new AtomicBoolean();
      Thread waiter = new Thread(() -> selectUntil(selector, stop), "sm4j-sel-ctl");
      waiter.start();
      try {
        selectorWakeups = wakeupsDuringEcho(pair, "sm4j-sel-ctl");
      } finally {
        stop.set(true);
        selector.wakeup();
        waiter.join(WAIT_SECONDS * 1000);
      }
    }
    try (BpfObject object = BpfObject.load(TestSpecs.echo(SOCKS));
        LoopbackPair pair = LoopbackPair.open();
        EndWatcher watcher = EndWatcher.start("sm4j-endw-dat")) {
      new SockMapHandle(object.map(SOCKS)).put(0, pair.accepted());
      Ends ends = new Ends();
      watcher.watch(pair.accepted(), ends);

      long watcherWakeups = wakeupsDuringEcho(pair, "sm4j-endw-dat");
      System.out.printf(
          "EndWatcherTest: %d spliced round trips woke a Selector's thread %d times, the"
              + " EndWatcher's %d times%n",
          ROUND_TRIPS, selectorWakeups, watcherWakeups);

      // Under load the Selector's thread may still be running when the next wake-up comes, which
      // does not count as a switch: the control asks for a tenth, which it exceeds ~10x when idle.
      assertTrue(
          selectorWakeups >= ROUND_TRIPS / 10,
          "control: the Selector's thread woke only "
              + selectorWakeups
              + " times in "
              + ROUND_TRIPS
              + " spliced round trips; the kernel no longer wakes readers per redirect?");
      assertTrue(
          watcherWakeups < 20,
          "the watcher woke "
              + watcherWakeups
              + " times in "
              + ROUND_TRIPS
              + " round trips (the Selector: "
              + selectorWakeups
              + ")");
      pair.client().shutdownOutput();
      assertTrue(ends.latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "FIN not reported");
    }
  }

  /** Echoes {@link #ROUND_TRIPS} 64-byte messages; returns the named thread's context switches. */
  private static long wakeupsDuringEcho(LoopbackPair pair, String threadName) throws Exception {
    Path status = taskStatus(threadName);
    long before = voluntarySwitches(status);
    OutputStream out = pair.client().getOutputStream();
    for (int i = 0; i < ROUND_TRIPS; i++) {
      byte[] message =
          ("message " + i + " ").repeat(8).substring(0, 64).getBytes(StandardCharsets.US_ASCII);
      out.write(message);
      assertArrayEquals(message, pair.readFromClient(64));
    }
    return voluntarySwitches(status) - before;
  }

  private static Path taskStatus(String threadName) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          try {
            if (Files.readString(task.resolve("comm")).strip().equals(threadName)) {
              return task.resolve("status");
            }
          } catch (IOException e) {
            // the task ended meanwhile
          }
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no thread named " + threadName);
  }

  private static long voluntarySwitches(Path status) throws IOException {
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("voluntary_ctxt_switches:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    throw new AssertionError("no voluntary_ctxt_switches in " + status);
  }

  /** Waits in {@code select()} until {@code stop} is set and the selector woken. */
  private static void selectUntil(Selector selector, AtomicBoolean stop) {
    try {
      while (!stop.get()) {
        selector.select();
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void waitUntil(BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(5);
    }
  }

  private static final class Ends implements Runnable {
    final CountDownLatch latch = new CountDownLatch(1);
    final AtomicInteger count = new AtomicInteger();

    @Override
    public void run() {
      count.incrementAndGet();
      latch.countDown();
    }
  }
}
