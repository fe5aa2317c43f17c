package io.sockmap4j.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Connection churn: each client thread opens a connection, exchanges one message of {@code size}
 * bytes, and closes it, over and over. Through a kernel proxy every connection costs two socket
 * inserts into each map from Java, and through the bypass two inserts into its map; the rate counts
 * all of that. Latency is per connection, from {@code connect} to the last byte of the answer.
 */
final class Churn {
  private Churn() {}

  static Measurement run(Topology topology, int size, int threads, Timing timing) throws Exception {
    Window window = Window.after(timing.warmupMillis(), timing.measureMillis());
    long problemsBefore = topology.problems();
    List<Client> clients = new ArrayList<>();
    List<Thread> running = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Client client = new Client(topology, size);
      clients.add(client);
      Thread thread = new Thread(() -> client.run(window), "bench-churn-client");
      thread.start();
      running.add(thread);
    }
    Window.sleepUntil(window.start());
    CpuMeter.Reading from = CpuMeter.read(topology.threadPrefix());
    Window.sleepUntil(window.end());
    CpuMeter.Reading to = CpuMeter.read(topology.threadPrefix());
    for (int i = 0; i < running.size(); i++) {
      running.get(i).join(5_000);
      if (running.get(i).isAlive()) {
        clients.get(i).abort(); // stuck waiting for an answer that will not come
        running.get(i).join();
      }
    }
    Histogram latency = new Histogram(3);
    long connections = 0;
    long errors = topology.problems() - problemsBefore;
    for (Client client : clients) {
      latency.add(client.latency);
      connections += client.connections;
      errors += client.errors;
    }
    return Measurement.counted(connections, latency, window, from, to, errors);
  }

  private static final class Client {
    final Topology topology;
    final ByteBuffer request;
    final ByteBuffer response;
    final Histogram latency = new Histogram(3);
    volatile SocketChannel current;
    long connections;
    long errors;

    Client(Topology topology, int size) {
      this.topology = topology;
      ByteBuffer pattern = Wire.pattern(size);
      this.request = ByteBuffer.allocateDirect(size + 1);
      request.put(Wire.ECHO).put(pattern).flip();
      this.response = ByteBuffer.allocateDirect(size);
    }

    void run(Window window) {
      while (!window.over()) {
        long started = System.nanoTime();
        try (SocketChannel channel = topology.connect()) {
          current = channel;
          request.clear();
          while (request.hasRemaining()) {
            channel.write(request);
          }
          response.clear();
          while (response.hasRemaining()) {
            if (channel.read(response) < 0) {
              throw new IOException("end of stream");
            }
          }
          if (!response.flip().equals(request.position(1))) {
            errors++;
          }
        } catch (IOException | RuntimeException e) {
          errors++;
          current = null;
          continue;
        }
        current = null;
        long now = System.nanoTime();
        if (started >= window.start() && now < window.end()) {
          connections++;
          latency.recordValue(now - started);
        }
      }
    }

    void abort() {
      SocketChannel channel = current;
      if (channel != null) {
        SelectorThread.closeQuietly(channel);
      }
    }
  }
}
