package io.sockmap4j.examples.filter;

import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A line echo server behind a kernel {@link Policy} filter. Every accepted socket is put into the
 * filter's map before the server reads it; from then on the kernel puts each allowed line on the
 * socket's own receive queue, where the server reads it with ordinary blocking reads and writes it
 * back, and drops each blocked line before the server can see it.
 *
 * <p><b>What "drop" means on a TCP stream.</b> The kernel has already acknowledged the dropped
 * bytes: the client's writes succeed and it gets no error; the line just never reaches the server,
 * and the server's echo of it never comes. Lines after it are judged on their own. (An SK_MSG
 * verdict on the client's own socket would make its {@code send()} fail instead; this filter runs
 * on the server's side, where only the receiving socket is in a map.)
 *
 * <p>A client that sends and closes before its socket is inserted cannot be filtered (the kernel
 * refuses a socket in CLOSE_WAIT): the filter closes it unread and counts it in {@link
 * #refusedConnections()}, failing closed.
 */
public final class PolicyFilter implements AutoCloseable {
  private final PolicyLoader bpf;
  private final ServerSocketChannel server;
  private final Thread acceptor;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final Set<Thread> echoes = ConcurrentHashMap.newKeySet();
  private final AtomicLong refused = new AtomicLong();

  private PolicyFilter(PolicyLoader bpf, ServerSocketChannel server) {
    this.bpf = bpf;
    this.server = server;
    this.acceptor = new Thread(this::acceptLoop, "policy-filter");
    this.acceptor.setDaemon(true);
  }

  /** Loads the filter with no rules and starts the echo server on {@code bind}. */
  public static PolicyFilter start(InetSocketAddress bind) throws IOException {
    PolicyLoader bpf = PolicyLoader.attach();
    try {
      ServerSocketChannel server = ServerSocketChannel.open();
      server.bind(bind, 512);
      PolicyFilter filter = new PolicyFilter(bpf, server);
      filter.acceptor.start();
      return filter;
    } catch (IOException | RuntimeException e) {
      bpf.close();
      throw e;
    }
  }

  /** The address the server listens on. */
  public InetSocketAddress address() {
    try {
      return (InetSocketAddress) server.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The loaded programs and maps. */
  public PolicyLoader bpf() {
    return bpf;
  }

  // ------------------------------------------------------------------------------------- rules

  /** Drops the lines of connections whose remote or local port is {@code port}. */
  public synchronized void blockPort(int port) {
    setPortBit(port, true);
  }

  /** Removes a port rule. */
  public synchronized void unblockPort(int port) {
    setPortBit(port, false);
  }

  private void setPortBit(int port, boolean blocked) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 0 to 65535");
    }
    long word = bpf.blockedPorts().get(port >>> 6);
    long bit = 1L << (port & 63);
    bpf.blockedPorts().put(port >>> 6, blocked ? word | bit : word & ~bit);
  }

  /** Drops the lines of clients connecting from {@code address} (IPv4 or IPv6). */
  public void blockAddress(InetAddress address) {
    bpf.blockedAddresses().put(key(address), 1);
  }

  /** Removes an address rule. */
  public void unblockAddress(InetAddress address) {
    bpf.blockedAddresses().remove(key(address));
  }

  /** Drops lines that start with {@code prefix} (1 to {@link Policy#MAX_PREFIX} bytes). */
  public void blockPrefix(byte[] prefix) {
    if (prefix.length < 1 || prefix.length > Policy.MAX_PREFIX) {
      throw new IllegalArgumentException(
          "a prefix rule is 1 to " + Policy.MAX_PREFIX + " bytes, not " + prefix.length);
    }
    long bytes = 0;
    for (byte b : prefix) {
      bytes = bytes << 8 | Byte.toUnsignedInt(b);
    }
    bpf.prefix().put(0, new Policy.Prefix(bytes, prefix.length));
  }

  /** Removes the prefix rule. */
  public void clearPrefix() {
    bpf.prefix().put(0, new Policy.Prefix(0, 0));
  }

  /** The IPv6 words the kernel shows for {@code address}: IPv4 as {@code ::ffff:a.b.c.d}. */
  static Policy.Address key(InetAddress address) {
    byte[] raw = address.getAddress();
    ByteBuffer ip6 = ByteBuffer.allocate(16);
    if (address instanceof Inet4Address) {
      ip6.putLong(0).putInt(0xffff).put(raw);
    } else {
      ip6.put(raw);
    }
    return new Policy.Address(ip6.getInt(0), ip6.getInt(4), ip6.getInt(8), ip6.getInt(12));
  }

  // ---------------------------------------------------------------------------------- counters

  /** Lines that ended under {@code outcome} ({@link Policy#PASSED}, {@link Policy#BY_PORT}...). */
  public long lines(int outcome) {
    return bpf.messages().sum(outcome);
  }

  /** Bytes of those lines. */
  public long bytes(int outcome) {
    return bpf.bytes().sum(outcome);
  }

  /** Connections closed unread because they ended before they could be filtered. */
  public long refusedConnections() {
    return refused.get();
  }

  /** The open connections, for diagnostics. */
  Set<SocketChannel> openConnections() {
    return open;
  }

  /** One line with all counters. */
  public String counters() {
    return String.format(
        "passed %d lines (%d bytes); dropped by port %d (%d), by address %d (%d), by prefix %d"
            + " (%d), too long %d (%d); refused connections %d",
        lines(Policy.PASSED),
        bytes(Policy.PASSED),
        lines(Policy.BY_PORT),
        bytes(Policy.BY_PORT),
        lines(Policy.BY_ADDRESS),
        bytes(Policy.BY_ADDRESS),
        lines(Policy.BY_PREFIX),
        bytes(Policy.BY_PREFIX),
        lines(Policy.TOO_LONG),
        bytes(Policy.TOO_LONG),
        refusedConnections());
  }

  // -------------------------------------------------------------------------------- the server

  private void acceptLoop() {
    try {
      while (server.isOpen()) {
        SocketChannel connection = server.accept();
        open.add(connection);
        long cookie = Sockets.cookie(connection);
        try {
          bpf.connections().put(cookie, connection);
        } catch (BpfException refusedInsert) {
          refused.incrementAndGet();
          close(connection, cookie);
          continue;
        }
        Thread echo = new Thread(() -> echo(connection, cookie), "policy-filter-echo");
        echo.setDaemon(true);
        echoes.add(echo);
        echo.start();
      }
    } catch (IOException e) {
      // closed by close()
    }
  }

  /** The application: reads what the filter passed, and writes it back. */
  private void echo(SocketChannel connection, long cookie) {
    try (InputStream in = connection.socket().getInputStream();
        OutputStream out = connection.socket().getOutputStream()) {
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // reset by the client, or closed by close()
    } finally {
      close(connection, cookie);
      echoes.remove(Thread.currentThread());
    }
  }

  private void close(SocketChannel connection, long cookie) {
    bpf.cursors().remove(cookie);
    open.remove(connection);
    try {
      connection.close();
    } catch (IOException e) {
      System.err.println("policy-filter: " + e);
    }
  }

  /** Stops the server, closes every connection, detaches the programs and frees the maps. */
  @Override
  public void close() {
    try {
      server.close();
      acceptor.join(5_000);
    } catch (IOException e) {
      System.err.println("policy-filter: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SocketChannel connection : List.copyOf(open)) {
      try {
        connection.close();
      } catch (IOException e) {
        System.err.println("policy-filter: " + e);
      }
    }
    for (Thread echo : List.copyOf(echoes)) {
      try {
        echo.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    bpf.close();
  }

  /** {@code policy-filter --port 7300 --block-port 40000 --block-prefix DROP}. */
  @Command(
      name = "policy-filter",
      mixinStandardHelpOptions = true,
      description = {
        "A line echo server behind a kernel filter that drops lines by the client's port or",
        "address, or by their first bytes. Prints the counters every few seconds."
      })
  static final class Cli implements Callable<Integer> {
    @Option(names = "--port", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port = 7300;

    @Option(names = "--block-port", description = "Drop lines on connections with this port.")
    List<Integer> blockPorts = new ArrayList<>();

    @Option(names = "--block-address", description = "Drop lines from this client address.")
    List<String> blockAddresses = new ArrayList<>();

    @Option(names = "--block-prefix", description = "Drop lines starting with this (1-8 bytes).")
    String blockPrefix;

    @Option(
        names = "--every",
        description = "Seconds between counter lines (default ${DEFAULT-VALUE}).")
    int every = 5;

    @Override
    public Integer call() throws Exception {
      try (PolicyFilter filter = start(new InetSocketAddress("127.0.0.1", port))) {
        for (int p : blockPorts) {
          filter.blockPort(p);
        }
        for (String a : blockAddresses) {
          filter.blockAddress(InetAddress.getByName(a));
        }
        if (blockPrefix != null) {
          filter.blockPrefix(blockPrefix.getBytes(StandardCharsets.UTF_8));
        }
        System.out.println("policy filter on " + filter.address() + "; Ctrl-C to stop");
        while (true) {
          Thread.sleep(every * 1000L);
          System.out.println(filter.counters());
        }
      }
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Cli()).execute(args));
  }
}
