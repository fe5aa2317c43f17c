package io.sockmap4j.examples.proxy;

import io.sockmap4j.examples.net.ServerLoop;
import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A TCP proxy whose bytes never enter Java. For each client it connects to the backend and splices
 * the two sockets in the kernel with the {@link Splice} programs.
 *
 * <p>End-of-stream is forwarded by {@link SplicedPair}; pairs the kernel refuses to splice are
 * relayed in Java by {@link JavaRelay}.
 *
 * <p>Bytes the client sent before the splice are not lost: they wait in the client socket's receive
 * queue, and {@code put()} re-runs the socket's data-ready callback after inserting it, so the
 * verdict processes them, in order, before anything newer.
 */
public final class SpliceProxy implements AutoCloseable {
  private final SpliceLoader bpf;
  private final ServerLoop loop;
  private final List<ExecutorService> threads;
  private final Set<SplicedPair> pairs;
  private final AtomicLong relayed;

  private SpliceProxy(
      SpliceLoader bpf,
      ServerLoop loop,
      List<ExecutorService> threads,
      Set<SplicedPair> pairs,
      AtomicLong relayed) {
    this.bpf = bpf;
    this.loop = loop;
    this.threads = threads;
    this.pairs = pairs;
    this.relayed = relayed;
  }

  /** Loads the programs and listens on {@code bind}, proxying to {@code backend}. */
  public static SpliceProxy start(InetSocketAddress bind, InetSocketAddress backend)
      throws IOException {
    SpliceLoader bpf = SpliceLoader.attach();
    ScheduledExecutorService threads = Executors.newScheduledThreadPool(2, SpliceProxy::daemon);
    ExecutorService relayThreads = Executors.newCachedThreadPool(SpliceProxy::daemon);
    AtomicLong relayed = new AtomicLong();
    Set<SplicedPair> pairs = ConcurrentHashMap.newKeySet();
    JavaRelay relay = new JavaRelay(relayThreads, relayed);
    try {
      ServerLoop loop =
          ServerLoop.start(
              "splice-proxy",
              bind,
              (client, l) -> {
                SocketChannel server = SocketChannel.open(backend);
                long clientAcked = Sockets.bytesAcked(Sockets.fd(client));
                long serverAcked = Sockets.bytesAcked(Sockets.fd(server));
                try {
                  splice(bpf, client, server);
                } catch (BpfException refused) {
                  relay.start(client, server);
                  return;
                }
                SplicedPair pair =
                    new SplicedPair(client, server, clientAcked, serverAcked, threads, pairs);
                try {
                  l.watchForEnd(client, pair.endOf(client));
                  l.watchForEnd(server, pair.endOf(server));
                } catch (RuntimeException e) {
                  pair.close();
                  throw e;
                }
              });
      return new SpliceProxy(bpf, loop, List.of(threads, relayThreads), pairs, relayed);
    } catch (IOException | RuntimeException e) {
      threads.shutdownNow();
      relayThreads.shutdownNow();
      bpf.close();
      throw e;
    }
  }

  /**
   * Splices {@code a} and {@code b}: first each one's peer is recorded in {@code peers} (no
   * programs there, so nothing changes yet), then both go into {@code spliced} together, which
   * switches their verdict on. Every byte either receives from then on, and every byte already
   * queued, leaves through the other.
   *
   * @throws BpfException if the kernel refuses either socket; then neither is spliced, and every
   *     byte is still queued on the sockets
   */
  static void splice(SpliceLoader bpf, SocketChannel a, SocketChannel b) {
    long cookieA = Sockets.cookie(a);
    long cookieB = Sockets.cookie(b);
    bpf.peers().put(cookieA, b);
    bpf.peers().put(cookieB, a);
    Map<Long, SocketChannel> pair = new LinkedHashMap<>();
    pair.put(cookieA, a);
    pair.put(cookieB, b);
    bpf.spliced().putAll(pair);
  }

  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "splice-proxy-worker");
    thread.setDaemon(true);
    return thread;
  }

  public InetSocketAddress address() {
    return loop.address();
  }

  /**
   * Payload bytes Java handled: those relayed for pairs the kernel refused to splice, plus those
   * left in ended sockets' own queues. Zero when the kernel spliced everything.
   */
  public long bytesHandledByJava() {
    return loop.unsplicedBytes() + relayed.get();
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
    threads.forEach(ExecutorService::shutdownNow);
    List.copyOf(pairs).forEach(SplicedPair::close);
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
