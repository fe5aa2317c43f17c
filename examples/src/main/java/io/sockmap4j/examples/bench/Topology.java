package io.sockmap4j.examples.bench;

import io.sockmap4j.examples.bypass.Bypass.Tuple;
import io.sockmap4j.examples.bypass.BypassLoader;
import io.sockmap4j.examples.proxy.SpliceLoader;
import io.sockmap4j.runtime.BpfObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A path from a benchmark client to the {@link EchoBackend}, and how to open a connection over it.
 *
 * <p>Two groups, each with its own baseline:
 *
 * <ul>
 *   <li>{@link Group#PROXY}: {@code direct} (client to backend, the limit no proxy can beat),
 *       {@code nio-proxy} ({@link NioProxy}, the baseline for ratios), {@code splice} (the {@code
 *       Splice} SK_SKB verdict, no parser), {@code splice-clang} (the same proxy over the clang
 *       build of its C twin, {@link ClangSplice}) and {@code splice-parser} ({@link ParsedSplice}).
 *   <li>{@link Group#SAME_HOST}: {@code loopback} (a plain loopback TCP connection, the baseline)
 *       and {@code bypass} (the {@code Bypass} SK_MSG program, both ends inserted from Java). The
 *       same-host bypass built by a sock_ops program (issue 5) joins this group when
 *       {@code @SockOps} exists.
 * </ul>
 *
 * <p>SK_MSG is measured only as a bypass, not as a proxy: an SK_MSG program runs on {@code sendmsg}
 * of a socket in its map, and a proxy's bytes arrive by receive (that is SK_SKB's hook). The only
 * sends it could redirect in a proxy are the client's own, which exist only when the client is on
 * the same host, and then the proxy is not needed.
 */
final class Topology implements AutoCloseable {
  /** Which baseline a topology is compared with. */
  enum Group {
    PROXY("nio-proxy"),
    SAME_HOST("loopback");

    final String baseline;

    Group(String baseline) {
      this.baseline = baseline;
    }
  }

  /** Opens one connected client channel (blocking mode, TCP_NODELAY). */
  interface Connector {
    SocketChannel connect() throws IOException;
  }

  static final List<String> NAMES =
      List.of(
          "direct", "nio-proxy", "splice", "splice-clang", "splice-parser", "loopback", "bypass");

  /** The topology that needs the clang build of {@code Splice.c}. */
  static final String SPLICE_CLANG = "splice-clang";

  final String name;
  final Group group;
  private final Connector connector;
  private final String threadPrefix;
  private final LongSupplier problems;
  private final List<AutoCloseable> resources;

  private Topology(
      String name,
      Group group,
      Connector connector,
      String threadPrefix,
      LongSupplier problems,
      List<AutoCloseable> resources) {
    this.name = name;
    this.group = group;
    this.connector = connector;
    this.threadPrefix = threadPrefix;
    this.problems = problems;
    this.resources = resources;
  }

  /**
   * Starts the topology called {@code name} in front of {@code backend}; {@code loaded} sees the
   * kernel objects it loads; {@code clangSplice} is the clang build of {@code Splice.c} ({@code
   * splice-clang} only).
   */
  static Topology start(
      String name, EchoBackend backend, int threads, Consumer<BpfObject> loaded, Path clangSplice)
      throws IOException, InterruptedException {
    InetSocketAddress target = backend.address();
    switch (name) {
      case "direct":
        return new Topology(name, Group.PROXY, () -> open(target), null, () -> 0, List.of());
      case "nio-proxy":
        {
          NioProxy proxy = new NioProxy(threads, target);
          InetSocketAddress address = proxy.address();
          return new Topology(
              name, Group.PROXY, () -> open(address), NioProxy.THREADS, () -> 0, List.of(proxy));
        }
      case "splice":
        {
          SpliceLoader bpf = SpliceLoader.attach();
          loaded.accept(bpf.object());
          return kernelProxy(name, new KernelProxy(bpf, bpf.spliced(), bpf.peers(), target));
        }
      case SPLICE_CLANG:
        {
          ClangSplice programs = ClangSplice.load(clangSplice); // pinned: never leave it behind
          try {
            SpliceLoader bpf = programs.loader();
            loaded.accept(bpf.object());
            return kernelProxy(name, new KernelProxy(programs, bpf.spliced(), bpf.peers(), target));
          } catch (IOException | RuntimeException e) {
            try {
              programs.close();
            } catch (IOException | RuntimeException suppressed) {
              e.addSuppressed(suppressed);
            }
            throw e;
          }
        }
      case "splice-parser":
        {
          ParsedSpliceLoader bpf = ParsedSpliceLoader.attach();
          loaded.accept(bpf.object());
          return kernelProxy(name, new KernelProxy(bpf, bpf.spliced(), bpf.peers(), target));
        }
      case "loopback":
        return localPairs(name, backend, null);
      case "bypass":
        {
          BypassLoader bpf = BypassLoader.attach();
          loaded.accept(bpf.object());
          return localPairs(name, backend, bpf);
        }
      default:
        throw new IllegalArgumentException(
            "unknown topology '" + name + "'; known: " + String.join(", ", NAMES));
    }
  }

  private static Topology kernelProxy(String name, KernelProxy proxy) {
    InetSocketAddress address = proxy.address();
    return new Topology(
        name,
        Group.PROXY,
        () -> open(address),
        KernelProxy.THREADS,
        () -> proxy.refused() + proxy.bytesHandledByJava(),
        List.of(proxy));
  }

  /**
   * Client and server sockets of one loopback connection, made here: the server end goes to the
   * backend, and with {@code bpf} both ends are put into the bypass map under their own 4-tuples
   * before the client gets its socket, so no byte can take TCP before the bypass is on. Connections
   * are made one at a time (the accepted socket must be the caller's).
   */
  private static Topology localPairs(String name, EchoBackend backend, BypassLoader bpf)
      throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
    listener.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
    InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
    Connector connector =
        () -> {
          synchronized (listener) {
            SocketChannel client = open(address);
            SocketChannel server = listener.accept();
            try {
              server.setOption(StandardSocketOptions.TCP_NODELAY, true);
              if (bpf != null) {
                bpf.sockets().put(Tuple.of(client), client);
                bpf.sockets().put(Tuple.of(server), server);
              }
              backend.adopt(server);
            } catch (IOException | RuntimeException e) {
              server.close();
              client.close();
              throw e;
            }
            return client;
          }
        };
    List<AutoCloseable> resources = bpf == null ? List.of(listener) : List.of(listener, bpf);
    return new Topology(name, Group.SAME_HOST, connector, null, () -> 0, resources);
  }

  private static SocketChannel open(InetSocketAddress address) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.INET);
    try {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.connect(address);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  SocketChannel connect() throws IOException {
    return connector.connect();
  }

  /** Name prefix of the threads doing the proxy's work in Java; null when there are none. */
  String threadPrefix() {
    return threadPrefix;
  }

  /** Pairs refused by the kernel plus payload bytes Java had to handle: zero when all is well. */
  long problems() {
    return problems.getAsLong();
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }
}
