package io.sockmap4j.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Bulk streaming: each connection writes the pattern, {@code size} bytes per {@code write}, as fast
 * as the path takes it, to a sink on the backend. Throughput is what the sink received in the
 * window; when verifying, the sink checks every byte against the pattern.
 */
final class BulkStream {
  private BulkStream() {}

  static Measurement run(
      Topology topology,
      EchoBackend backend,
      int size,
      int connections,
      int threads,
      Timing timing,
      boolean verify)
      throws Exception {
    List<Loop> loops = new ArrayList<>();
    for (int i = 0; i < Math.min(threads, connections); i++) {
      loops.add(new Loop(size));
    }
    try {
      for (int i = 0; i < connections; i++) {
        loops.get(i % loops.size()).add(topology.connect());
      }
      long problemsBefore = topology.problems();
      long mismatchesBefore = backend.mismatches();
      Window window = Window.after(timing.warmupMillis(), timing.measureMillis());
      List<Thread> running = new ArrayList<>();
      for (Loop loop : loops) {
        Thread thread = new Thread(() -> loop.run(window), "bench-bulk-client");
        thread.start();
        running.add(thread);
      }
      Window.sleepUntil(window.start());
      CpuMeter.Reading from = CpuMeter.read(topology.threadPrefix());
      long sunkBefore = backend.sunkBytes();
      Window.sleepUntil(window.end());
      CpuMeter.Reading to = CpuMeter.read(topology.threadPrefix());
      long bytes = backend.sunkBytes() - sunkBefore;
      for (Thread thread : running) {
        thread.join();
      }
      long errors = topology.problems() - problemsBefore;
      long memoryRefusals = 0;
      for (Loop loop : loops) {
        errors += loop.errors;
        memoryRefusals += loop.memoryRefusals;
      }
      if (verify) {
        // let the sink take what is still in flight, then count its pattern mismatches
        Thread.sleep(50);
        errors += backend.mismatches() - mismatchesBefore;
      }
      double perGb = bytes == 0 ? Double.NaN : 1e9 / bytes;
      return new Measurement(
          bytes * 8 / window.seconds() / 1e9,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          CpuMeter.machineSeconds(from, to) * perGb,
          CpuMeter.proxySeconds(from, to) * perGb,
          CpuMeter.contextSwitches(from, to) * perGb,
          bytes,
          errors,
          memoryRefusals,
          Double.NaN); // program run times: added by the caller
    } finally {
      for (Loop loop : loops) {
        loop.close();
      }
    }
  }

  /** {@code strerror(ENOMEM)}, the message of the JDK's IOException for a write refused so. */
  private static final String ENOMEM_TEXT = "Cannot allocate memory";

  private static final long RETRY_PAUSE_NANOS = 50_000;

  /** One client thread writing to its connections whenever they take more. */
  private static final class Loop {
    final Selector selector;
    final ByteBuffer pattern;
    final int size;
    final List<SocketChannel> channels = new ArrayList<>();
    long errors;
    long memoryRefusals;

    Loop(int size) throws IOException {
      this.selector = Selector.open();
      this.size = size;
      this.pattern = Wire.pattern(size + Wire.PERIOD);
    }

    void add(SocketChannel channel) throws IOException {
      channel.write(ByteBuffer.wrap(new byte[] {Wire.SINK}));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_WRITE, new long[1]);
      channels.add(channel);
    }

    void run(Window window) {
      ByteBuffer view = pattern.duplicate();
      try {
        while (!window.over()) {
          selector.select(10);
          for (SelectionKey key : selector.selectedKeys()) {
            long[] sent = (long[]) key.attachment();
            int start = (int) (sent[0] % Wire.PERIOD);
            view.limit(start + size).position(start);
            try {
              sent[0] += ((SocketChannel) key.channel()).write(view);
            } catch (IOException e) {
              if (ENOMEM_TEXT.equals(e.getMessage())) {
                // back-pressure of an SK_MSG ingress redirect: the receiver's memory is full
                memoryRefusals++;
                LockSupport.parkNanos(RETRY_PAUSE_NANOS);
                continue;
              }
              errors++;
              key.cancel();
            }
          }
          selector.selectedKeys().clear();
        }
      } catch (IOException | RuntimeException e) {
        errors++;
      }
    }

    void close() {
      channels.forEach(SelectorThread::closeQuietly);
      SelectorThread.closeQuietly(selector);
    }
  }
}
