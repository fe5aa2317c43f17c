package io.sockmap4j.examples.echo;

import io.sockmap4j.examples.net.ServerLoop;
import io.sockmap4j.runtime.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An echo server whose echo happens in the kernel: each accepted socket is put into {@link
 * Echo#sockets} under its cookie, and from then on the {@code echo} verdict sends every received
 * byte back out. The Java code never reads a byte; it only closes sockets at end-of-stream.
 */
public final class EchoServer implements AutoCloseable {
  private final EchoLoader bpf;
  private final ServerLoop loop;

  private EchoServer(EchoLoader bpf, ServerLoop loop) {
    this.bpf = bpf;
    this.loop = loop;
  }

  /** Loads the programs and listens on {@code bind} (port 0 for any free port). */
  public static EchoServer start(InetSocketAddress bind) throws IOException {
    EchoLoader bpf = EchoLoader.attach();
    try {
      ServerLoop loop =
          ServerLoop.start(
              "kernel-echo",
              bind,
              (connection, l) -> {
                bpf.sockets().put(Sockets.cookie(connection), connection);
                l.watchForEnd(connection, connection);
              });
      return new EchoServer(bpf, loop);
    } catch (IOException | RuntimeException e) {
      bpf.close();
      throw e;
    }
  }

  public InetSocketAddress address() {
    return loop.address();
  }

  /**
   * Payload bytes left for Java in ended connections' own receive queues: zero when the kernel
   * echoed everything.
   */
  public long unsplicedBytes() {
    return loop.unsplicedBytes();
  }

  /** The loaded programs and maps. */
  public EchoLoader bpf() {
    return bpf;
  }

  @Override
  public void close() {
    loop.close();
    bpf.close();
  }

  /** {@code echo-server --port 7007}: runs until interrupted. */
  @Command(
      name = "echo-server",
      mixinStandardHelpOptions = true,
      description = "Kernel echo server.")
  static final class Cli implements Callable<Integer> {
    @Option(names = "--port", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port = 7007;

    @Override
    public Integer call() throws Exception {
      try (EchoServer server = start(new InetSocketAddress("127.0.0.1", port))) {
        System.out.println("kernel echo server on " + server.address() + "; Ctrl-C to stop");
        new CountDownLatch(1).await();
      }
      return 0;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Cli()).execute(args));
  }
}
