package io.sockmap4j.examples.balancer;

import io.sockmap4j.runtime.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The balancer's connection to one backend. Records reach it from the kernel; Java never writes to
 * it. A reader thread discards whatever the backend sends back (the protocol is one-way) so that
 * replies cannot fill the socket's receive queue, and notices when the backend goes away.
 */
final class Backend implements AutoCloseable {
  private final int slot;
  private final InetSocketAddress address;
  private final SocketChannel channel;
  private final long ackedBaseline;
  private final AtomicLong ignoredReplyBytes = new AtomicLong();
  private volatile boolean connected = true;
  private volatile boolean closing;

  private Backend(int slot, InetSocketAddress address, SocketChannel channel) {
    this.slot = slot;
    this.address = address;
    this.channel = channel;
    // bytes_acked counts the SYN of the connection we opened: take the baseline now.
    this.ackedBaseline = Sockets.bytesAcked(Sockets.fd(channel));
  }

  /** Connects to {@code address}, which will own rotation slot {@code slot}. */
  static Backend connect(int slot, InetSocketAddress address) throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      channel.connect(address);
      return new Backend(slot, address, channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw new IOException("cannot connect to backend " + address + ": " + e.getMessage(), e);
    }
  }

  /** Starts the reader thread; {@code onEnd} runs on it once if the backend ends the connection. */
  void startReading(Runnable onEnd) {
    Thread reader =
        new Thread(
            () -> {
              ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
              try {
                int n;
                while ((n = channel.read(buffer.clear())) >= 0) {
                  ignoredReplyBytes.addAndGet(n);
                }
              } catch (IOException e) {
                // reset by the backend, or closed by close()
              }
              connected = false;
              if (!closing) {
                onEnd.run();
              }
            },
            "balancer-backend-" + slot);
    reader.setDaemon(true);
    reader.start();
  }

  int slot() {
    return slot;
  }

  InetSocketAddress address() {
    return address;
  }

  SocketChannel channel() {
    return channel;
  }

  boolean connected() {
    return connected;
  }

  /** Bytes the backend sent back, which the balancer read and discarded. */
  long ignoredReplyBytes() {
    return ignoredReplyBytes.get();
  }

  /** Bytes the backend has acknowledged: every byte sent to it that it has received. */
  long bytesAcknowledged() {
    try {
      return Sockets.bytesAcked(Sockets.fd(channel)) - ackedBaseline;
    } catch (RuntimeException e) {
      return -1; // closed
    }
  }

  @Override
  public void close() throws IOException {
    closing = true;
    channel.close();
  }
}
