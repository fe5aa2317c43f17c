package io.sockmap4j.examples.bench;

import io.sockmap4j.examples.bypass.Bypass.Tuple;
import io.sockmap4j.examples.bypass.BypassLoader;
import io.sockmap4j.examples.proxy.SpliceLoader;
import io.sockmap4j.runtime.AttachOptions;
import io.sockmap4j.runtime.Attachment;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.ProgramStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
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
 *   <li>{@link Group#SAME_HOST}: {@code loopback} (a plain loopback TCP connection, the baseline),
 *       {@code bypass} (the {@code Bypass} SK_MSG program, both ends inserted from Java) and {@code
 *       sockops-bypass} (the same bypass with both ends inserted by a sock_ops program as the
 *       connection is established, {@link PortBypass}; no Java insert per connection).
 * </ul>
 *
 * <p>{@code sockops-bypass} needs its sockets made inside the benchmark's cgroup ({@link
 * BenchCgroup}), where its sock_ops program is attached: its listener is created there, and the
 * caller wraps each run in {@link #enter()}, which moves the JVM into the cgroup for the run and
 * back afterwards. Between its runs the JVM is back in its own cgroup, so the other topologies'
 * connections never meet a sock_ops program. Its problems are the sockets of its connections the
 * program did not insert, and the sends that fell back to TCP, as {@link PortBypass} counts them.
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
          "direct",
          "nio-proxy",
          "splice",
          "splice-clang",
          "splice-parser",
          "loopback",
          "bypass",
          "sockops-bypass");

  /** The topology that needs the clang build of {@code Splice.c}. */
  static final String SPLICE_CLANG = "splice-clang";

  /** The topology that needs a cgroup2 file system. */
  static final String SOCKOPS_BYPASS = "sockops-bypass";

  /** What {@link #enter()} returns for a topology that needs nothing around its runs. */
  private static final BenchCgroup.Inside NOWHERE = () -> {};

  /** {@code BPF_CGROUP_SOCK_OPS}: a program that runs per connection event, not per message. */
  private static final int CGROUP_SOCK_OPS = 3;

  /**
   * How often a topology's per-message programs ran and for how long, as the kernel counts while
   * run-time statistics are on ({@link io.sockmap4j.runtime.BpfStats}).
   */
  record ProgramRuns(long count, long nanos) {
    ProgramRuns minus(ProgramRuns earlier) {
      return new ProgramRuns(count - earlier.count, nanos - earlier.nanos);
    }

    /** The mean run time; NaN when nothing ran (no program, or statistics off). */
    double nanosPerRun() {
      return count <= 0 ? Double.NaN : (double) nanos / count;
    }
  }

  final String name;
  final Group group;
  private final Connector connector;
  private final String threadPrefix;
  private final LongSupplier problems;
  private final List<AutoCloseable> resources;
  private final BenchCgroup cgroup;

  /** The kernel objects this topology loaded or opened. */
  private List<BpfObject> objects = List.of();

  private Topology(
      String name,
      Group group,
      Connector connector,
      String threadPrefix,
      LongSupplier problems,
      List<AutoCloseable> resources) {
    this(name, group, connector, threadPrefix, problems, resources, null);
  }

  private Topology(
      String name,
      Group group,
      Connector connector,
      String threadPrefix,
      LongSupplier problems,
      List<AutoCloseable> resources,
      BenchCgroup cgroup) {
    this.name = name;
    this.group = group;
    this.connector = connector;
    this.threadPrefix = threadPrefix;
    this.problems = problems;
    this.resources = resources;
    this.cgroup = cgroup;
  }

  /**
   * Starts the topology called {@code name} in front of {@code backend}; {@code loaded} sees the
   * kernel objects it loads; {@code clangSplice} is the clang build of {@code Splice.c} ({@code
   * splice-clang} only).
   */
  static Topology start(
      String name, EchoBackend backend, int threads, Consumer<BpfObject> loaded, Path clangSplice)
      throws IOException, InterruptedException {
    List<BpfObject> objects = new ArrayList<>();
    Topology topology =
        create(
            name,
            backend,
            threads,
            object -> {
              objects.add(object);
              loaded.accept(object);
            },
            clangSplice);
    topology.objects = List.copyOf(objects);
    return topology;
  }

  private static Topology create(
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
        {
          ServerSocketChannel listener = listen();
          return new Topology(
              name,
              Group.SAME_HOST,
              localPairs(listener, backend, (client, server) -> {}),
              null,
              () -> 0,
              List.of(listener));
        }
      case "bypass":
        {
          BypassLoader bpf = BypassLoader.attach();
          loaded.accept(bpf.object());
          ServerSocketChannel listener = listen();
          PairHook insert =
              (client, server) -> {
                bpf.sockets().put(Tuple.of(client), client);
                bpf.sockets().put(Tuple.of(server), server);
              };
          return new Topology(
              name,
              Group.SAME_HOST,
              localPairs(listener, backend, insert),
              null,
              () -> 0,
              List.of(listener, bpf));
        }
      case SOCKOPS_BYPASS:
        return sockOpsPairs(backend, loaded);
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
   * sockops-bypass: the benchmark's cgroup, {@link PortBypass} attached to it, and a listener made
   * inside it, whose port the program is told. Everything made so far is undone on failure, the JVM
   * back in its own cgroup and the cgroup removed.
   */
  private static Topology sockOpsPairs(EchoBackend backend, Consumer<BpfObject> loaded)
      throws IOException {
    Path mount =
        BenchCgroup.mount()
            .orElseThrow(
                () ->
                    new IOException(
                        SOCKOPS_BYPASS
                            + " needs a cgroup2 file system and none is mounted"
                            + " ('mount -t cgroup2 none /sys/fs/cgroup'); leave it out of"
                            + " --topologies otherwise"));
    List<AutoCloseable> opened = new ArrayList<>(); // closed in reverse order
    try {
      BenchCgroup cgroup = BenchCgroup.create(mount);
      opened.add(cgroup);
      PortBypassLoader bpf =
          PortBypassLoader.attach(AttachOptions.defaults().cgroup(cgroup.path()));
      opened.add(bpf);
      loaded.accept(bpf.object());
      ServerSocketChannel listener;
      try (BenchCgroup.Inside inside = cgroup.enter()) {
        listener = listen(); // its accepted sockets are in the cgroup too
      }
      opened.add(listener);
      bpf.listener().put(0, ((InetSocketAddress) listener.getLocalAddress()).getPort());
      LongAdder made = new LongAdder();
      LongSupplier problems =
          () -> {
            List<Long> counts = bpf.counts().values();
            long notInserted = 2 * made.sum() - counts.get(PortBypass.INSERTED);
            return Math.abs(notInserted) + counts.get(PortBypass.OVER_TCP);
          };
      return new Topology(
          SOCKOPS_BYPASS,
          Group.SAME_HOST,
          localPairs(listener, backend, (client, server) -> made.increment()),
          null,
          problems,
          reversed(opened),
          cgroup);
    } catch (IOException | RuntimeException e) {
      closeAll(reversed(opened), e);
      throw e;
    }
  }

  private static List<AutoCloseable> reversed(List<AutoCloseable> resources) {
    List<AutoCloseable> reversed = new ArrayList<>(resources);
    Collections.reverse(reversed);
    return List.copyOf(reversed);
  }

  /** What a local-pair topology does with both ends of a connection before the client has it. */
  private interface PairHook {
    void made(SocketChannel client, SocketChannel server) throws IOException;
  }

  /**
   * Client and server sockets of one loopback connection to {@code listener}, made here: {@code
   * hook} sees both ends (the bypass inserts them into its map under their own 4-tuples, so no byte
   * can take TCP before the bypass is on), then the server end goes to the backend. Connections are
   * made one at a time (the accepted socket must be the caller's).
   */
  private static Connector localPairs(
      ServerSocketChannel listener, EchoBackend backend, PairHook hook) throws IOException {
    InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
    return () -> {
      synchronized (listener) {
        SocketChannel client = open(address);
        SocketChannel server = listener.accept();
        try {
          server.setOption(StandardSocketOptions.TCP_NODELAY, true);
          hook.made(client, server);
          backend.adopt(server);
        } catch (IOException | RuntimeException e) {
          server.close();
          client.close();
          throw e;
        }
        return client;
      }
    };
  }

  private static ServerSocketChannel listen() throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
    try {
      listener.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
      return listener;
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
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

  /**
   * Puts the JVM where this topology's sockets must be made for the length of a run, until the
   * returned value is closed: into the benchmark's cgroup for {@code sockops-bypass}, nowhere else
   * for the others. Wrap every run in it, and make no connection of another topology inside it.
   */
  BenchCgroup.Inside enter() throws IOException {
    return cgroup == null ? NOWHERE : cgroup.enter();
  }

  /** Name prefix of the threads doing the proxy's work in Java; null when there are none. */
  String threadPrefix() {
    return threadPrefix;
  }

  /**
   * The run counters of this topology's per-message programs (SK_SKB, SK_MSG; not a sock_ops
   * program, which runs per connection event), summed: zero for a topology without programs.
   */
  ProgramRuns programRuns() {
    long count = 0;
    long nanos = 0;
    for (BpfObject object : objects) {
      Set<String> perConnection = new HashSet<>();
      for (Attachment attachment : object.attachments()) {
        if (attachment.attachType() == CGROUP_SOCK_OPS) {
          perConnection.add(attachment.program());
        }
      }
      for (ProgramStats stats : object.programStats()) {
        if (!perConnection.contains(stats.program())) {
          count += stats.runCount();
          nanos += stats.runTimeNanos();
        }
      }
    }
    return new ProgramRuns(count, nanos);
  }

  /** Pairs refused by the kernel plus payload bytes Java had to handle: zero when all is well. */
  long problems() {
    return problems.getAsLong();
  }

  /** Closes every resource in order, even when one fails; the first failure is thrown. */
  @Override
  public void close() throws Exception {
    Exception first = closeAll(resources, null);
    if (first != null) {
      throw first;
    }
  }

  /**
   * Closes each of {@code resources}, adding their failures to {@code failure} (or to the first of
   * them when it is null); returns that first failure when {@code failure} was null.
   */
  private static Exception closeAll(List<AutoCloseable> resources, Exception failure) {
    Exception first = failure;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    return failure == null ? first : null;
  }
}
