package io.sockmap4j.examples.bench;

import io.sockmap4j.examples.net.ServerLoop;
import io.sockmap4j.examples.proxy.SplicedPair;
import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.SockHashHandle;
import io.sockmap4j.runtime.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sockmap4j proxy as the benchmark runs it: {@code SpliceProxy}'s accept path and end-of-stream
 * handling ({@link ServerLoop}, {@link SplicedPair}) and its insert sequence (both peers into
 * {@code peers}, then both sockets into {@code spliced} with one {@code putAll}), over either
 * program ({@code Splice} or {@link ParsedSplice}). Two differences from {@code SpliceProxy}, both
 * so that it is compared fairly: TCP_NODELAY is set on both sockets, as the Java proxy does; and a
 * pair the kernel refuses is dropped and counted ({@link #refused()}) rather than relayed in Java,
 * so no Java copying ever hides in its numbers.
 */
final class KernelProxy implements AutoCloseable {
  /** Thread name prefix, for counting the proxy's CPU time. */
  static final String THREADS = "bench-kernel-proxy";

  private final AutoCloseable programs;
  private final ServerLoop loop;
  private final ScheduledExecutorService timer;
  private final Set<SplicedPair> pairs = ConcurrentHashMap.newKeySet();
  private final AtomicLong refused = new AtomicLong();

  /**
   * Listens on 127.0.0.1 and splices each client with a new connection to {@code backend}.
   *
   * @param programs the attached loader; closed with the proxy
   */
  KernelProxy(
      AutoCloseable programs,
      SockHashHandle<Long> spliced,
      SockHashHandle<Long> peers,
      InetSocketAddress backend)
      throws IOException {
    this.programs = programs;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, THREADS + "-timer");
              thread.setDaemon(true);
              return thread;
            });
    this.loop =
        ServerLoop.start(
            THREADS + "-loop",
            new InetSocketAddress("127.0.0.1", 0),
            (client, l) -> {
              client.setOption(StandardSocketOptions.TCP_NODELAY, true);
              SocketChannel server = SocketChannel.open(StandardProtocolFamily.INET);
              try {
                server.setOption(StandardSocketOptions.TCP_NODELAY, true);
                server.connect(backend);
                long clientAcked = Sockets.bytesAcked(Sockets.fd(client));
                long serverAcked = Sockets.bytesAcked(Sockets.fd(server));
                splice(spliced, peers, client, server);
                SplicedPair pair =
                    new SplicedPair(client, server, clientAcked, serverAcked, timer, pairs);
                l.watchForEnd(client, pair.endOf(client));
                l.watchForEnd(server, pair.endOf(server));
              } catch (BpfException e) {
                refused.incrementAndGet();
                server.close();
                client.close();
              } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
              }
            });
  }

  /** {@code SpliceProxy.splice}: peers first, then both sockets into the verdict's map at once. */
  private static void splice(
      SockHashHandle<Long> spliced, SockHashHandle<Long> peers, SocketChannel a, SocketChannel b) {
    long cookieA = Sockets.cookie(a);
    long cookieB = Sockets.cookie(b);
    peers.put(cookieA, b);
    peers.put(cookieB, a);
    Map<Long, SocketChannel> pair = new LinkedHashMap<>();
    pair.put(cookieA, a);
    pair.put(cookieB, b);
    spliced.putAll(pair);
  }

  InetSocketAddress address() {
    return loop.address();
  }

  /** Pairs dropped because the kernel refused a socket. */
  long refused() {
    return refused.get();
  }

  /** Payload bytes that reached Java instead of being spliced (zero when the kernel did it all). */
  long bytesHandledByJava() {
    return loop.unsplicedBytes();
  }

  @Override
  public void close() throws Exception {
    loop.close();
    timer.shutdownNow();
    List.copyOf(pairs).forEach(SplicedPair::close);
    programs.close();
  }
}
