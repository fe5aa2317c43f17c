package io.sockmap4j.examples.router;

import io.sockmap4j.examples.net.ServerLoop;
import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Java half of the {@link Router}: connects to one backend per route, puts each backend socket
 * into the route's slot, and puts every accepted client socket into the map whose programs frame
 * and route its bytes. Java never reads a client's byte; it closes a client connection when the
 * client ends it, or when the kernel stopped parsing it because of a bad length field.
 *
 * <p><b>Ending a client connection</b> waits until the kernel is done with it: when the client has
 * ended, the router closes its side only once the programs have framed every byte TCP received
 * ({@link Router.Cursor#framed()} against {@code tcpi_bytes_received}), or after {@link
 * #END_GRACE_MS} when the client left a partial frame. Closing earlier would lose frames whose
 * parsing the kernel had deferred to a work queue (it does so while the socket is locked, as during
 * the insert). A client that sent everything and ended before the router could insert its socket
 * (the kernel refuses a socket in CLOSE_WAIT) has its bytes read by Java and sent again through a
 * new connection to the router itself, so they are framed, routed and counted by the kernel like
 * any other. A connection whose stream parser failed (a bad length) is closed at once.
 *
 * <p>The routing is one-way: backends receive frames and are not expected to answer. Whatever a
 * backend sends anyway is read and discarded by one thread per backend (counted in {@link
 * #discardedReplyBytes()}), so that a chatty backend cannot fill its window and stall.
 */
public final class MessageRouter implements AutoCloseable {
  private final RouterLoader bpf;
  private final List<SocketChannel> backendConnections;
  private final List<Thread> drains = new ArrayList<>();
  private final AtomicLong discarded = new AtomicLong();
  private final AtomicLong resent = new AtomicLong();
  private final ScheduledExecutorService closer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "router-closer");
            t.setDaemon(true);
            return t;
          });
  private final Map<Integer, CountDownLatch> resendsInserted = new ConcurrentHashMap<>();
  private final ServerLoop loop;

  /** How long an ended client may hold a partial frame before the router closes it anyway. */
  public static final long END_GRACE_MS = 2_000;

  private MessageRouter(
      RouterLoader bpf, List<SocketChannel> backendConnections, InetSocketAddress bind)
      throws IOException {
    this.bpf = bpf;
    this.backendConnections = backendConnections;
    this.loop = ServerLoop.start("message-router", bind, this::accepted);
  }

  /**
   * Loads the programs, connects to {@code backends} (route number to address) and listens on
   * {@code bind} (port 0 for any free port).
   */
  public static MessageRouter start(
      InetSocketAddress bind, Map<Integer, InetSocketAddress> backends) throws IOException {
    RouterLoader bpf = RouterLoader.attach();
    List<SocketChannel> connections = new ArrayList<>();
    try {
      for (Map.Entry<Integer, InetSocketAddress> backend : backends.entrySet()) {
        int route = backend.getKey();
        if (route < 0 || route >= Router.ROUTES) {
          throw new IllegalArgumentException(
              "route " + route + " is outside 0 to " + (Router.ROUTES - 1) + ": it is one byte");
        }
        SocketChannel connection = SocketChannel.open(backend.getValue());
        connections.add(connection);
        bpf.backends().put(route, connection);
      }
      MessageRouter router = new MessageRouter(bpf, connections, bind);
      router.startDrains();
      return router;
    } catch (IOException | RuntimeException e) {
      for (SocketChannel connection : connections) {
        connection.close();
      }
      bpf.close();
      throw e;
    }
  }

  private void accepted(SocketChannel client, ServerLoop l) throws IOException {
    long cookie = Sockets.cookie(client);
    try {
      bpf.clients().put(cookie, client);
    } catch (BpfException refused) {
      if (!Sockets.peerClosed(client)) {
        throw refused;
      }
      resent.incrementAndGet();
      closer.execute(() -> resend(client));
      return;
    }
    CountDownLatch resent = resendsInserted.remove(remotePort(client));
    if (resent != null) {
      resent.countDown();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(END_GRACE_MS);
    l.watchForEnd(client, () -> closer.execute(() -> closeWhenFramed(client, cookie, deadline)));
  }

  /**
   * Closes an ended client once the kernel has framed all it received; polls every 2 ms. A client
   * whose parser failed (TCP still ESTABLISHED: it was an error that ended it) is closed at once.
   */
  private void closeWhenFramed(SocketChannel client, long cookie, long deadline) {
    try {
      int fd = Sockets.fd(client);
      long framed = bpf.cursors().get(cookie).map(Router.Cursor::framed).orElse(0L);
      boolean finished =
          !Sockets.peerClosed(fd)
              || framed + 1 >= Sockets.bytesReceived(fd) // the FIN counts one
              || System.nanoTime() > deadline;
      if (!finished) {
        closer.schedule(() -> closeWhenFramed(client, cookie, deadline), 2, TimeUnit.MILLISECONDS);
        return;
      }
    } catch (RuntimeException e) {
      // already closed or broken: close below
    }
    bpf.cursors().remove(cookie);
    try {
      client.close();
    } catch (IOException e) {
      System.err.println("message-router: " + e);
    }
  }

  /**
   * A client ended before its socket could be inserted: reads what it sent and sends it again
   * through a connection to this router, kept open until that connection's socket is in the map and
   * its bytes are acknowledged, so that the kernel frames them.
   */
  private void resend(SocketChannel client) {
    try (client) {
      client.configureBlocking(true);
      byte[] data = client.socket().getInputStream().readAllBytes();
      if (data.length == 0) {
        return;
      }
      try (SocketChannel again = SocketChannel.open()) {
        again.bind(new InetSocketAddress(address().getAddress(), 0));
        int port = ((InetSocketAddress) again.getLocalAddress()).getPort();
        CountDownLatch inserted = new CountDownLatch(1);
        resendsInserted.put(port, inserted);
        again.connect(address());
        ByteBuffer out = ByteBuffer.wrap(data);
        while (out.hasRemaining()) {
          again.write(out);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(END_GRACE_MS);
        inserted.await(END_GRACE_MS, TimeUnit.MILLISECONDS);
        while (Sockets.bytesAcked(Sockets.fd(again)) < data.length + 1L // the SYN counts one
            && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        resendsInserted.remove(port);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("message-router: could not resend an early-closed client: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int remotePort(SocketChannel client) throws IOException {
    return ((InetSocketAddress) client.getRemoteAddress()).getPort();
  }

  private void startDrains() {
    for (SocketChannel backend : backendConnections) {
      Thread drain =
          new Thread(
              () -> {
                ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
                try {
                  int n;
                  while ((n = backend.read(sink.clear())) >= 0) {
                    discarded.addAndGet(n);
                  }
                } catch (IOException e) {
                  // closed by close(), or the backend went away
                }
              },
              "router-drain");
      drain.setDaemon(true);
      drain.start();
      drains.add(drain);
    }
  }

  /** The address clients connect to. */
  public InetSocketAddress address() {
    return loop.address();
  }

  /** The loaded programs and maps, with the counters. */
  public RouterLoader bpf() {
    return bpf;
  }

  /** Frames routed to {@code route} so far, on every CPU. */
  public long routedFrames(int route) {
    return bpf.routedFrames().sum(route);
  }

  /** Bytes routed to {@code route} so far, headers included. */
  public long routedBytes(int route) {
    return bpf.routedBytes().sum(route);
  }

  /** Frames dropped because their route had no backend. */
  public long unroutedFrames() {
    return bpf.dropped().sum(Router.UNROUTED_FRAMES);
  }

  /** Bytes of those frames, headers included. */
  public long unroutedBytes() {
    return bpf.dropped().sum(Router.UNROUTED_BYTES);
  }

  /** Client connections ended because a frame's length was out of range. */
  public long badLengths() {
    return bpf.dropped().sum(Router.BAD_LENGTHS);
  }

  /** Bytes backends sent back, which the router reads and throws away. */
  public long discardedReplyBytes() {
    return discarded.get();
  }

  /** Clients that ended before they could be inserted, whose bytes Java sent again. */
  public long resentConnections() {
    return resent.get();
  }

  /** One line with every non-zero counter. */
  public String counters() {
    StringBuilder line = new StringBuilder();
    for (int route = 0; route < Router.ROUTES; route++) {
      long frames = routedFrames(route);
      if (frames != 0) {
        line.append(
            String.format("route %d: %d frames, %d bytes; ", route, frames, routedBytes(route)));
      }
    }
    return line.append(
            String.format(
                "unrouted: %d frames, %d bytes; bad lengths: %d",
                unroutedFrames(), unroutedBytes(), badLengths()))
        .toString();
  }

  /** Stops accepting, closes every connection, detaches the programs and frees the maps. */
  @Override
  public void close() {
    loop.close();
    closer.shutdownNow();
    try {
      closer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SocketChannel connection : backendConnections) {
      try {
        connection.close();
      } catch (IOException e) {
        System.err.println("message-router: " + e);
      }
    }
    for (Thread drain : drains) {
      try {
        drain.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    bpf.close();
  }

  /** {@code message-router --port 7100 --route 0=127.0.0.1:7200 --route 1=127.0.0.1:7201}. */
  @Command(
      name = "message-router",
      mixinStandardHelpOptions = true,
      description = {
        "Routes length-prefixed frames in the kernel: [u32 length L][u8 route][L bytes body],",
        "each to the backend of its route. Prints the counters every few seconds."
      })
  static final class Cli implements Callable<Integer> {
    @Option(names = "--port", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port = 7100;

    @Option(
        names = "--route",
        required = true,
        description = "ROUTE=HOST:PORT, a backend for route number ROUTE (0 to 255); repeatable.")
    Map<Integer, String> routes = new TreeMap<>();

    @Option(
        names = "--every",
        description = "Seconds between counter lines (default ${DEFAULT-VALUE}).")
    int every = 5;

    @Override
    public Integer call() throws Exception {
      Map<Integer, InetSocketAddress> backends = new TreeMap<>();
      for (Map.Entry<Integer, String> route : routes.entrySet()) {
        backends.put(route.getKey(), parse(route.getValue()));
      }
      try (MessageRouter router = start(new InetSocketAddress("127.0.0.1", port), backends)) {
        System.out.println(
            "message router on " + router.address() + ", routes " + backends + "; Ctrl-C to stop");
        while (true) {
          Thread.sleep(every * 1000L);
          System.out.println(router.counters());
        }
      }
    }

    private static InetSocketAddress parse(String hostPort) {
      int colon = hostPort.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "backend '" + hostPort + "' has no port: write HOST:PORT, e.g. 127.0.0.1:7200");
      }
      return new InetSocketAddress(
          hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Cli()).execute(args));
  }
}
