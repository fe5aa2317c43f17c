package io.sockmap4j.examples.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A test backend that runs one exchange per connection and then closes it at once. */
final class OneShotBackend implements AutoCloseable {
  /** What the backend does with each connection before closing it. */
  interface Exchange {
    void run(Socket socket) throws IOException;
  }

  private final ServerSocket server;
  private final Thread thread;

  private OneShotBackend(ServerSocket server, Exchange exchange) {
    this.server = server;
    this.thread =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                  socket.setSoTimeout(10_000);
                  exchange.run(socket);
                } catch (IOException e) {
                  // closed by the test, or a client went away
                }
              }
            },
            "one-shot-backend");
    this.thread.setDaemon(true);
  }

  static OneShotBackend start(Exchange exchange) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress("127.0.0.1", 0), 64);
    OneShotBackend backend = new OneShotBackend(server, exchange);
    backend.thread.start();
    return backend;
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
