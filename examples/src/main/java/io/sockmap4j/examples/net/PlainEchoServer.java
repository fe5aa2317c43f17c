package io.sockmap4j.examples.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An ordinary Java echo server (one thread per connection): the backend behind the proxy in the
 * demo and the tests.
 */
public final class PlainEchoServer implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService workers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "plain-echo");
            t.setDaemon(true);
            return t;
          });

  private PlainEchoServer(ServerSocket server) {
    this.server = server;
  }

  /** Listens on {@code bind} (port 0 for any free port). */
  public static PlainEchoServer start(InetSocketAddress bind) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(bind, 512);
    PlainEchoServer echo = new PlainEchoServer(server);
    echo.workers.execute(echo::acceptLoop);
    return echo;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        workers.execute(() -> echo(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void echo(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // the peer went away
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
