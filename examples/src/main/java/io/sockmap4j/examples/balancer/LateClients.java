package io.sockmap4j.examples.balancer;

import io.sockmap4j.runtime.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The path for clients that end before the balancer could hand them to the kernel.
 *
 * <p>A client may connect, send all its records and close before the balancer has accepted its
 * connection. The kernel then refuses to put the socket into a map (it accepts only ESTABLISHED TCP
 * sockets, and this one is in CLOSE_WAIT), although every byte is still queued on it. Java reads
 * those bytes and writes the whole records into a loopback connection the balancer opened to
 * itself, whose far end is in the {@code clients} map like any client: the kernel frames and
 * balances them as it does everything else. Java never writes to a backend itself, so records are
 * never torn or interleaved, and each client's records take consecutive turns of the rotation.
 */
final class LateClients implements AutoCloseable {
  private final SocketChannel writer;
  private final SocketChannel relay;
  private final int recordSize;
  private final ExecutorService thread;
  private final AtomicLong clients = new AtomicLong();

  private LateClients(SocketChannel writer, SocketChannel relay, int recordSize) {
    this.writer = writer;
    this.relay = relay;
    this.recordSize = recordSize;
    this.thread =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread t = new Thread(task, "balancer-late-clients");
              t.setDaemon(true);
              return t;
            });
  }

  /** Opens the loopback connection and puts its far end into {@code clients}. */
  static LateClients open(BalanceLoader bpf, int recordSize) throws IOException {
    try (ServerSocketChannel listener = ServerSocketChannel.open()) {
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      SocketChannel writer = SocketChannel.open(listener.getLocalAddress());
      SocketChannel relay = listener.accept();
      try {
        long cookie = Sockets.cookie(relay);
        bpf.cursors().put(cookie, new Balance.Cursor(0, 0));
        bpf.clients().put(cookie, relay);
        return new LateClients(writer, relay, recordSize);
      } catch (RuntimeException e) {
        writer.close();
        relay.close();
        throw e;
      }
    }
  }

  /**
   * Reads everything {@code client} sent, writes its whole records into the relay connection, and
   * closes it; then calls {@code done} with the number of bytes of a trailing partial record.
   * Clients are passed one at a time, so each one's records stay together.
   */
  void pass(SocketChannel client, java.util.function.LongConsumer done) {
    thread.execute(
        () -> {
          long torn = 0;
          try (client) {
            client.configureBlocking(true);
            int capacity = Math.max(1, 65_536 / recordSize) * recordSize;
            ByteBuffer buffer = ByteBuffer.allocate(capacity);
            boolean ended = false;
            while (!ended) {
              ended = client.read(buffer) < 0;
              if (!buffer.hasRemaining() || ended) {
                buffer.flip();
                int whole = buffer.remaining() - buffer.remaining() % recordSize;
                ByteBuffer records = buffer.duplicate().limit(whole);
                while (records.hasRemaining()) {
                  writer.write(records);
                }
                buffer.position(whole).compact();
              }
            }
            torn = buffer.position();
            clients.incrementAndGet();
          } catch (IOException e) {
            System.err.println("balancer: passing a late client's records: " + e);
          }
          done.accept(torn);
        });
  }

  /** Clients whose records went through this path. */
  long clients() {
    return clients.get();
  }

  /** Finishes the clients already handed over (for at most a second), then closes the relay. */
  @Override
  public void close() throws IOException {
    thread.shutdown();
    try {
      thread.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.shutdownNow();
    writer.close();
    relay.close();
  }
}
