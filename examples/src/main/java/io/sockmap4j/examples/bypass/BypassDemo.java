package io.sockmap4j.examples.bypass;

import io.sockmap4j.examples.bypass.Bypass.Tuple;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Connects two local sockets, puts both into {@link Bypass#sockets} under their own 4-tuples, and
 * exchanges messages: with the SK_MSG program attached, each {@code write} lands directly in the
 * peer's receive queue instead of travelling through TCP/IP.
 */
public final class BypassDemo {
  private BypassDemo() {}

  /** A connected pair, both ends inserted into the bypass map. */
  public record Pair(SocketChannel client, SocketChannel server) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      client.close();
      server.close();
    }
  }

  /** Connects a pair over loopback and inserts both ends under their own tuples. */
  public static Pair connect(BypassLoader bpf) throws IOException {
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET);
      client.connect(listener.getLocalAddress());
      SocketChannel server = listener.accept();
      bpf.sockets().put(Tuple.of(client), client);
      bpf.sockets().put(Tuple.of(server), server);
      return new Pair(client, server);
    }
  }

  /** Reads exactly {@code n} bytes. */
  public static byte[] readFully(SocketChannel channel, int n) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(n);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new IOException("end of stream after " + buffer.position() + " of " + n + " bytes");
      }
    }
    return buffer.array();
  }

  @Command(name = "bypass-demo", mixinStandardHelpOptions = true, description = "Same-host bypass.")
  static final class Cli implements Callable<Integer> {
    @Option(names = "--messages", description = "Round trips (default ${DEFAULT-VALUE}).")
    int messages = 3;

    @Override
    public Integer call() throws Exception {
      try (BypassLoader bpf = BypassLoader.attach();
          Pair pair = connect(bpf)) {
        System.out.println(
            "connected " + Tuple.of(pair.client()) + " <-> " + Tuple.of(pair.server()));
        for (int i = 0; i < messages; i++) {
          byte[] ping = ("ping " + i).getBytes(StandardCharsets.US_ASCII);
          pair.client().write(ByteBuffer.wrap(ping));
          String got = new String(readFully(pair.server(), ping.length), StandardCharsets.US_ASCII);
          pair.server().write(ByteBuffer.wrap(("pong " + i).getBytes(StandardCharsets.US_ASCII)));
          String back =
              new String(readFully(pair.client(), ping.length), StandardCharsets.US_ASCII);
          System.out.println(
              "client sent '"
                  + new String(ping, StandardCharsets.US_ASCII)
                  + "', server got '"
                  + got
                  + "', answered '"
                  + back
                  + "'");
        }
      }
      return 0;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Cli()).execute(args));
  }
}
