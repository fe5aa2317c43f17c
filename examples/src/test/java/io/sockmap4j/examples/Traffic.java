package io.sockmap4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drives an echo-style exchange through a socket: one thread writes {@code bytes} of a {@link
 * Pattern} while this thread reads the echo back and checks every byte.
 */
public final class Traffic {
  private Traffic() {}

  /** Result of one exchange. */
  public record Result(long sent, long received, long firstMismatch) {
    public boolean byteExact() {
      return sent == received && firstMismatch < 0;
    }
  }

  /** Connects to {@code target}, sends and checks {@code bytes} of pattern {@code seed}. */
  public static Result echo(InetSocketAddress target, long bytes, long seed) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(target, 5_000);
      return echo(socket, bytes, seed);
    }
  }

  /** Sends and checks {@code bytes} of pattern {@code seed} over a connected socket. */
  public static Result echo(Socket socket, long bytes, long seed) throws Exception {
    socket.setSoTimeout(30_000);
    Pattern pattern = new Pattern(seed);
    OutputStream out = socket.getOutputStream();
    CompletableFuture<Long> writer =
        CompletableFuture.supplyAsync(
            () -> {
              byte[] chunk = new byte[64 * 1024];
              long sent = 0;
              try {
                while (sent < bytes) {
                  int n = (int) Math.min(chunk.length, bytes - sent);
                  pattern.fill(sent, chunk, 0, n);
                  out.write(chunk, 0, n);
                  sent += n;
                }
              } catch (IOException e) {
                throw new IllegalStateException("write failed after " + sent + " bytes", e);
              }
              return sent;
            },
            runnable -> {
              Thread t = new Thread(runnable, "traffic-writer");
              t.setDaemon(true);
              t.start();
            });
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[64 * 1024];
    long received = 0;
    long mismatch = -1;
    while (received < bytes) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, bytes - received));
      if (n < 0) {
        break;
      }
      if (mismatch < 0) {
        mismatch = pattern.firstMismatch(received, buffer, 0, n);
      }
      received += n;
    }
    long sent = writer.get(30, TimeUnit.SECONDS);
    return new Result(sent, received, mismatch);
  }
}
