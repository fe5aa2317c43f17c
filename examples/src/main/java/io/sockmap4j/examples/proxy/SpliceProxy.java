package io.sockmap4j.examples.proxy;

import io.sockmap4j.examples.net.ServerLoop;
import io.sockmap4j.runtime.Sockets;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A TCP proxy whose bytes never enter Java. For each client it connects to the backend and splices
 * the two sockets in the kernel with the {@link Splice} programs.
 *
 * <p>Bytes the client sent before the splice are not lost: they wait in the client socket's receive
 * queue, and {@code put()} re-runs the socket's data-ready callback after inserting it, so the
 * verdict processes them, in order, before anything newer.
 */
public final class SpliceProxy implements AutoCloseable {
  private final SpliceLoader bpf;
  private final ServerLoop loop;

  private SpliceProxy(SpliceLoader bpf, ServerLoop loop) {
    this.bpf = bpf;
    this.loop = loop;
  }

  /** Loads the programs and listens on {@code bind}, proxying to {@code backend}. */
  public static SpliceProxy start(InetSocketAddress bind, InetSocketAddress backend)
      throws IOException {
    SpliceLoader bpf = SpliceLoader.attach();
    try {
      ServerLoop loop =
          ServerLoop.start(
              "splice-proxy",
              bind,
              (client, l) -> {
                SocketChannel server = SocketChannel.open(backend);
                Closeable pair =
                    () -> {
                      client.close();
                      server.close();
                    };
                try {
                  splice(bpf, client, server);
                  l.watchForEnd(client, pair);
                  l.watchForEnd(server, pair);
                } catch (IOException | RuntimeException e) {
                  pair.close();
                  throw e;
                }
              });
      return new SpliceProxy(bpf, loop);
    } catch (IOException | RuntimeException e) {
      bpf.close();
      throw e;
    }
  }

  /**
   * Splices {@code a} and {@code b}: first each one's peer is recorded in {@code peers} (no
   * programs there, so nothing changes yet), then both go into {@code spliced}, which switches
   * their verdict on. Every byte either receives from then on, and every byte already queued,
   * leaves through the other.
   */
  static void splice(SpliceLoader bpf, SocketChannel a, SocketChannel b) {
    long cookieA = Sockets.cookie(a);
    long cookieB = Sockets.cookie(b);
    bpf.peers().put(cookieA, b);
    bpf.peers().put(cookieB, a);
    bpf.spliced().put(cookieA, a);
    bpf.spliced().put(cookieB, b);
  }

  public InetSocketAddress address() {
    return loop.address();
  }

  /** Payload bytes Java had to read (zero when the kernel splices everything). */
  public long bytesReadByJava() {
    return loop.bytesReadByJava();
  }

  /** Client connections accepted so far. */
  public long acceptedConnections() {
    return loop.acceptedConnections();
  }

  public SpliceLoader bpf() {
    return bpf;
  }

  @Override
  public void close() {
    loop.close();
    bpf.close();
  }

  /** {@code splice-proxy --port 8080 --backend 127.0.0.1:9090}: runs until interrupted. */
  @Command(
      name = "splice-proxy",
      mixinStandardHelpOptions = true,
      description = "Kernel-spliced TCP proxy.")
  static final class Cli implements Callable<Integer> {
    @Option(names = "--port", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port = 8080;

    @Option(names = "--backend", required = true, description = "Backend as host:port.")
    String backend;

    @Override
    public Integer call() throws Exception {
      int colon = backend.lastIndexOf(':');
      InetSocketAddress target =
          new InetSocketAddress(
              backend.substring(0, colon), Integer.parseInt(backend.substring(colon + 1)));
      try (SpliceProxy proxy = start(new InetSocketAddress("127.0.0.1", port), target)) {
        System.out.println("splicing " + proxy.address() + " -> " + target + "; Ctrl-C to stop");
        new CountDownLatch(1).await();
      }
      return 0;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Cli()).execute(args));
  }
}
