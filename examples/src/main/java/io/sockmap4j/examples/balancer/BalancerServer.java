package io.sockmap4j.examples.balancer;

import io.sockmap4j.examples.net.ReportLoop;
import io.sockmap4j.examples.net.ServerLoop;
import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * A round-robin load balancer for a one-way protocol of fixed-size records (think of a log or
 * metrics shipper): clients connect and stream records; the kernel sends each record, whole, to the
 * next backend with the {@link Balance} programs. Java accepts connections, sets up the maps and
 * closes connections at their end; it never touches a record.
 *
 * <p>At start the balancer connects once to every backend and puts the connections into the {@code
 * backends} SOCKMAP, slot {@code i} for the {@code i}-th backend; it writes the number of backends
 * and the record size into the {@code config} array before it accepts anyone. For each client it
 * writes the client's starting slot into {@code cursors}, then puts the socket into {@code
 * clients}.
 *
 * <p>A client's end of stream is handled with care: the kernel may still be parsing the last bytes
 * the client sent when Java sees the connection close, and closing the socket then would discard
 * them. So the balancer waits until the verdict has consumed every whole record the connection
 * received ({@code tcpi_bytes_received}, minus one for the FIN) before it closes the socket. Bytes
 * of a trailing partial record can never form a record; they are counted in {@link #tornBytes()}.
 *
 * <p>Backends' replies, if any, are read and discarded (the protocol is one-way). If a backend goes
 * away, its slot in {@code backends} empties and records due to it are dropped and counted in its
 * {@link BackendStats#dropped()}; the rotation is not rebuilt (see the README).
 */
public final class BalancerServer implements AutoCloseable {
  /**
   * The largest record size: a message of the kernel's stream parser must fit in the socket's
   * receive buffer ({@code EMSGSIZE} otherwise), whose default is 128 KiB.
   */
  public static final int MAX_RECORD_SIZE = 65_536;

  /** How long a closing client may take to drain before its remaining bytes are given up. */
  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(5);

  private final BalanceLoader bpf;
  private final List<Backend> backends;
  private final int recordSize;
  private final ScheduledExecutorService timer;
  private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong tornBytes = new AtomicLong();
  private ServerLoop loop;
  private LateClients late;
  private boolean closed;

  private BalancerServer(BalanceLoader bpf, List<Backend> backends, int recordSize) {
    this.bpf = bpf;
    this.backends = backends;
    this.recordSize = recordSize;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "balancer-drain");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Loads the programs, connects to every backend and listens on {@code bind}.
   *
   * @param bind where clients connect (port 0 for any free port)
   * @param backendAddresses 1 to {@value Balance#MAX_BACKENDS} backends, in rotation order
   * @param recordSize the size of every record, 1 to {@value #MAX_RECORD_SIZE} bytes
   * @throws IllegalArgumentException if the backends or the record size are out of range
   * @throws IOException if a backend cannot be reached or {@code bind} is taken
   */
  public static BalancerServer start(
      InetSocketAddress bind, List<InetSocketAddress> backendAddresses, int recordSize)
      throws IOException {
    if (backendAddresses.isEmpty() || backendAddresses.size() > Balance.MAX_BACKENDS) {
      throw new IllegalArgumentException(
          "give 1 to " + Balance.MAX_BACKENDS + " backends, not " + backendAddresses.size());
    }
    if (recordSize < 1 || recordSize > MAX_RECORD_SIZE) {
      throw new IllegalArgumentException(
          "the record size must be 1 to " + MAX_RECORD_SIZE + " bytes, not " + recordSize);
    }
    BalanceLoader bpf = BalanceLoader.attach();
    List<Backend> backends = new ArrayList<>();
    BalancerServer server = new BalancerServer(bpf, backends, recordSize);
    try {
      for (InetSocketAddress address : backendAddresses) {
        Backend backend = Backend.connect(backends.size(), address);
        backends.add(backend);
        bpf.backends().put(backend.slot(), backend.channel());
        backend.startReading(() -> server.backendEnded(backend));
      }
      bpf.config().put(Balance.RECORD_SIZE, recordSize);
      bpf.config().put(Balance.BACKEND_COUNT, backends.size());
      server.late = LateClients.open(bpf, recordSize);
      server.loop = ServerLoop.start("balancer", bind, server::accepted);
      return server;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Starts the connection in its own slot of the rotation, then hands it to the kernel; a client
   * that has already ended goes to {@link LateClients} instead.
   */
  private void accepted(SocketChannel client, ServerLoop loop) throws IOException {
    long cookie = Sockets.cookie(client);
    int start = (int) (accepted.getAndIncrement() % backends.size());
    bpf.cursors().put(cookie, new Balance.Cursor(0, start));
    clients.add(client);
    try {
      bpf.clients().put(cookie, client);
    } catch (BpfException refused) {
      bpf.cursors().remove(cookie);
      if (!Sockets.peerClosed(client)) {
        clients.remove(client);
        throw refused;
      }
      late.pass(
          client,
          torn -> {
            tornBytes.addAndGet(torn);
            clients.remove(client);
          });
      return;
    }
    try {
      loop.watchForEnd(client, () -> timer.execute(() -> closeWhenDrained(client, cookie, 0)));
    } catch (RuntimeException e) {
      clients.remove(client);
      bpf.cursors().remove(cookie);
      throw e;
    }
  }

  /**
   * Closes a client whose peer has ended once the verdict has consumed every whole record it
   * received; until then, checks again every millisecond, for at most {@link #DRAIN_LIMIT}.
   */
  private void closeWhenDrained(SocketChannel client, long cookie, int attempt) {
    synchronized (this) {
      if (closed) {
        return; // close() closes every client
      }
    }
    long consumed = bpf.cursors().get(cookie).map(Balance.Cursor::bytes).orElse(0L);
    long payload;
    try {
      // The peer's FIN counts one in bytes_received.
      payload = Math.max(0, Sockets.bytesReceived(Sockets.fd(client)) - 1);
    } catch (RuntimeException e) {
      payload = consumed; // already closed
    }
    long whole = payload - payload % recordSize;
    if (consumed < whole && attempt < DRAIN_LIMIT.toMillis()) {
      timer.schedule(() -> closeWhenDrained(client, cookie, attempt + 1), 1, TimeUnit.MILLISECONDS);
      return;
    }
    tornBytes.addAndGet(Math.max(0, payload - consumed));
    bpf.cursors().remove(cookie);
    closeQuietly(client);
  }

  private void backendEnded(Backend backend) {
    synchronized (this) {
      if (closed) {
        return;
      }
      bpf.backends().remove(backend.slot());
    }
    System.err.println(
        "balancer: backend "
            + backend.slot()
            + " "
            + backend.address()
            + " closed its connection; records due to it are dropped from now on");
  }

  /** Where clients connect. */
  public InetSocketAddress address() {
    return loop.address();
  }

  /** The kernel's counters for every backend, in slot order. */
  public List<BackendStats> stats() {
    List<BackendStats> stats = new ArrayList<>();
    for (Backend backend : backends) {
      int slot = backend.slot();
      stats.add(
          new BackendStats(
              slot,
              backend.address(),
              bpf.records().sum(slot),
              bpf.bytes().sum(slot),
              bpf.dropped().sum(slot),
              backend.bytesAcknowledged(),
              backend.connected()));
    }
    return stats;
  }

  /** Client connections accepted so far. */
  public long acceptedClients() {
    return accepted.get();
  }

  /**
   * Clients that had ended before they could be put into the map, whose records Java passed through
   * the relay connection (see {@link LateClients}).
   */
  public long lateClients() {
    return late.clients();
  }

  /** Client connections not yet closed. */
  public int openClients() {
    return clients.size();
  }

  /** Bytes of trailing partial records that ended clients sent, which no backend received. */
  public long tornBytes() {
    return tornBytes.get();
  }

  /** Bytes the backends sent back, which the balancer discarded. */
  public long ignoredReplyBytes() {
    return backends.stream().mapToLong(Backend::ignoredReplyBytes).sum();
  }

  /**
   * Waits until every backend has acknowledged every byte the kernel sent it, for at most {@code
   * limit}; records redirected by the verdict may still wait in the kernel's queues.
   *
   * @return whether everything was acknowledged in time
   */
  public boolean awaitDelivered(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      boolean delivered =
          stats().stream().allMatch(s -> !s.connected() || s.acknowledged() >= s.bytes());
      if (delivered) {
        return true;
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(1);
    }
  }

  /** Whether {@link #close()} has been called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /** The generated Loader, to read the maps directly. */
  public BalanceLoader bpf() {
    return bpf;
  }

  /**
   * Stops accepting, closes the clients, gives the backends up to a second to receive what the
   * kernel already sent them, then closes them and frees the programs and maps.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (loop != null) {
      loop.close();
    }
    if (late != null) {
      try {
        late.close();
      } catch (IOException e) {
        System.err.println("balancer: closing the late-client relay: " + e);
      }
    }
    timer.shutdownNow();
    clients.forEach(this::closeQuietly);
    try {
      awaitDelivered(Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Backend backend : backends) {
      try {
        backend.close();
      } catch (IOException e) {
        System.err.println("balancer: closing backend " + backend.address() + ": " + e);
      }
    }
    bpf.close();
  }

  private void closeQuietly(SocketChannel client) {
    clients.remove(client);
    try {
      client.close();
    } catch (IOException e) {
      System.err.println("balancer: closing a client: " + e);
    }
  }

  /**
   * {@code balancer --port 7070 --backend 127.0.0.1:9001 --backend 127.0.0.1:9002 --record-size
   * 64}: runs until interrupted (or for {@code --seconds}), printing the counters.
   */
  @Command(
      name = "balancer",
      mixinStandardHelpOptions = true,
      description = "Round-robin load balancer for fixed-size records; the kernel moves the data.")
  static final class Cli implements Callable<Integer> {
    @Option(names = "--port", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port = 7070;

    @Option(
        names = "--backend",
        required = true,
        converter = HostPort.class,
        description = "A backend as host:port; repeat for each, in rotation order.")
    List<InetSocketAddress> backends;

    @Option(
        names = "--record-size",
        description = "Bytes per record; every record is sent whole (default ${DEFAULT-VALUE}).")
    int recordSize = 64;

    @Option(
        names = "--interval",
        description = "Seconds between counter reports; 0 for none (default ${DEFAULT-VALUE}).")
    int interval = 5;

    @Option(
        names = "--seconds",
        description =
            "Stop after this many seconds; 0 runs until Ctrl-C (default ${DEFAULT-VALUE}).")
    int seconds;

    @Override
    public Integer call() throws Exception {
      BalancerServer server = start(new InetSocketAddress("127.0.0.1", port), backends, recordSize);
      CountDownLatch stopped = new CountDownLatch(1);
      Thread onCtrlC =
          new Thread(
              () -> {
                stopAndReport(server);
                stopped.countDown();
              },
              "balancer-shutdown");
      Runtime.getRuntime().addShutdownHook(onCtrlC);
      System.out.println(
          "balancing "
              + recordSize
              + "-byte records from "
              + server.address()
              + " over "
              + backends
              + "; Ctrl-C to stop");
      if (ReportLoop.run(
          stopped,
          seconds,
          interval,
          () -> {
            if (!server.isClosed()) {
              System.out.println(report(server));
            }
          })) {
        return 0; // Ctrl-C: the hook reported and closed
      }
      Runtime.getRuntime().removeShutdownHook(onCtrlC);
      stopAndReport(server);
      return 0;
    }

    private static void stopAndReport(BalancerServer server) {
      String last = report(server);
      server.close();
      System.out.println("stopped; final counters:");
      System.out.println(last);
    }

    private static String report(BalancerServer server) {
      StringBuilder out = new StringBuilder();
      for (BackendStats stats : server.stats()) {
        out.append("  ").append(stats).append('\n');
      }
      out.append(
          String.format(
              "  clients: %d accepted (%d ended before the kernel took them), %d open;"
                  + " %d bytes of partial records discarded",
              server.acceptedClients(),
              server.lateClients(),
              server.openClients(),
              server.tornBytes()));
      return out.toString();
    }
  }

  /** Parses {@code host:port}, or {@code [v6 address]:port}. */
  static final class HostPort implements CommandLine.ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not host:port, for example 127.0.0.1:9001");
      }
      String host = value.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' has no numeric port");
      }
      if (port < 1 || port > 65_535) {
        throw new CommandLine.TypeConversionException("port " + port + " is out of range");
      }
      return new InetSocketAddress(host, port);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Cli()).execute(args));
  }
}
