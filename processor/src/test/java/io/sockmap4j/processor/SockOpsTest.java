package io.sockmap4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.sockmap4j.processor.DiagnosticsTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.runtime.AttachMode;
import io.sockmap4j.runtime.AttachOptions;
import io.sockmap4j.runtime.Attachment;
import io.sockmap4j.runtime.BpfMap;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.ObjectSpec;
import io.sockmap4j.runtime.Sockets;
import io.sockmap4j.runtime.TracePipe;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.TestCgroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * {@code @SockOps} programs: every getter, setter and socket map insert loads into the verifier,
 * attached to a child cgroup, and inserts real loopback connections under the 4-tuple the kernel
 * reports, which pins down the byte order of the sock_ops address and port fields. The compile
 * errors of calls a program kind cannot make and of {@code Debug.print}.
 */
class SockOpsTest {

  private static final JavaFileObject PROGRAM =
      JavaFileObjects.forSourceString(
          "lang.Ops",
          """
          package lang;

          import io.sockmap4j.Debug;
          import io.sockmap4j.Direction;
          import io.sockmap4j.SkMsg;
          import io.sockmap4j.SkMsgVerdict;
          import io.sockmap4j.SockHash;
          import io.sockmap4j.SockMap;
          import io.sockmap4j.SockOps;
          import io.sockmap4j.SockOpsContext;
          import io.sockmap4j.SocketHash;
          import io.sockmap4j.SocketMap;
          import io.sockmap4j.Verdict;

          final class Ops {
            record Tuple(int localIp, int remoteIp, int localPort, int remotePort) {}

            @SockHash(maxEntries = 64)
            static SocketHash<Tuple> tuples;

            @SockMap(maxEntries = 2)
            static SocketMap sides;

            static int seen;

            @SockOps
            static void insert(SockOpsContext ops) {
              int op = ops.op();
              if (op == SockOpsContext.TCP_CONNECT_CB) {
                ops.setCallbackFlags(SockOpsContext.STATE_CB_FLAG);
                return;
              }
              if (op == SockOpsContext.STATE_CB) {
                long t = Debug.ktimeNanos() + ops.arg(0) + ops.arg(1);
                Debug.print("state %d -> %d at %lu", ops.arg(0), ops.arg(1), t);
                return;
              }
              if (op == SockOpsContext.TIMEOUT_INIT) {
                ops.setReply(-1);
                return;
              }
              if (op != SockOpsContext.ACTIVE_ESTABLISHED_CB
                  && op != SockOpsContext.PASSIVE_ESTABLISHED_CB) {
                return;
              }
              if (ops.family() != 2 || !ops.isFullSocket()) {
                return;
              }
              int v6 = ops.remoteIp6(0) ^ ops.remoteIp6(3) ^ ops.localIp6(1) ^ ops.localIp6(2);
              int tcp = ops.state() + ops.sndCwnd() + ops.srttMicrosX8() + ops.callbackFlags();
              long cookie = ops.socketCookie() + (Debug.random() & 1) + v6 + tcp;
              Tuple key = new Tuple(ops.localIp4(), ops.remoteIp4(), ops.localPort(), ops.remotePort());
              if (tuples.update(ops, key) && cookie != 0) {
                sides.updateIfAbsent(ops, op - SockOpsContext.ACTIVE_ESTABLISHED_CB);
              }
            }

            @SkMsgVerdict(map = "tuples")
            static Verdict bypass(SkMsg msg) {
              tuples.redirect(msg, new Tuple(msg.remoteIp4(), msg.localIp4(), msg.remotePort(),
                  msg.localPort()), Direction.INGRESS);
              return Verdict.PASS;
            }
          }
          """);

  // ------------------------------------------------------------------ the kernel

  /**
   * Both ends of a connection made inside the cgroup are inserted by the kernel, each under the
   * tuple its own socket sees (IPv4 addresses with the first octet on top, ports in host order),
   * and the SOCKMAP holds the active side at 0 and the passive side at 1.
   */
  @KernelTest
  void establishedConnectionsOfTheCgroupAreInserted() throws Exception {
    ObjectSpec spec = spec(compile(false, PROGRAM), "Ops");
    try (TestCgroup cgroup = TestCgroup.create()) {
      try (BpfObject object =
          BpfObject.load(spec, AttachOptions.defaults().cgroup(cgroup.path()))) {
        Attachment attachment = attachment(object, "insert");
        assertEquals("insert", attachment.program());
        assertEquals(cgroup.path().toString(), attachment.map());
        assertEquals(3, attachment.attachType());
        cgroup.runInside(
            () -> {
              try (ServerSocketChannel listener =
                  ServerSocketChannel.open(StandardProtocolFamily.INET)) {
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
                  client.connect(listener.getLocalAddress());
                  try (SocketChannel server = listener.accept()) {
                    assertInserted(object, client, server);
                  }
                }
              }
              return null;
            });
        assertTrue(cgroup.processes().isEmpty(), "the JVM left the cgroup");
      }
    }
  }

  /** A connection made outside the cgroup never reaches the program. */
  @KernelTest
  void connectionsOutsideTheCgroupAreNotInserted() throws Exception {
    ObjectSpec spec = spec(compile(false, PROGRAM), "Ops");
    try (TestCgroup cgroup = TestCgroup.create();
        BpfObject object =
            BpfObject.load(
                spec, AttachOptions.defaults().cgroup(cgroup.path()).mode(AttachMode.LEGACY));
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
      assertEquals(AttachMode.LEGACY, attachment(object, "insert").mode());
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
        client.connect(listener.getLocalAddress());
        try (SocketChannel server = listener.accept()) {
          assertEquals(List.of(), keys(object.map("tuples")));
        }
      }
    }
  }

  @KernelTest
  void aSockOpsProgramNeedsACgroup() {
    ObjectSpec spec = spec(compile(false, PROGRAM), "Ops");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BpfObject.load(spec));
    assertTrue(e.getMessage().contains("[insert] attach to a cgroup"), e.getMessage());
    assertTrue(e.getMessage().contains("AttachOptions.defaults().cgroup("), e.getMessage());
  }

  private static void assertInserted(BpfObject object, SocketChannel client, SocketChannel server)
      throws IOException {
    BpfMap tuples = object.map("tuples");
    Set<String> expected = new HashSet<>();
    expected.add(hex(tupleKey(client)));
    expected.add(hex(tupleKey(server)));
    Set<String> actual = new HashSet<>();
    for (byte[] key : keys(tuples)) {
      actual.add(hex(key));
    }
    assertEquals(expected, actual, "keys of the SOCKHASH");
    assertEquals(Sockets.cookie(client), cookieAt(tuples, tupleKey(client)));
    assertEquals(Sockets.cookie(server), cookieAt(tuples, tupleKey(server)));
    BpfMap sides = object.map("sides");
    assertEquals(Sockets.cookie(client), cookieAt(sides, intKey(0)), "active side at 0");
    assertEquals(Sockets.cookie(server), cookieAt(sides, intKey(1)), "passive side at 1");
  }

  private static Attachment attachment(BpfObject object, String program) {
    return object.attachments().stream()
        .filter(a -> a.program().equals(program))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no attachment of " + program));
  }

  private static byte[] tupleKey(SocketChannel channel) throws IOException {
    InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
    InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
    ByteBuffer key = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    key.putInt(ByteBuffer.wrap(local.getAddress().getAddress()).getInt());
    key.putInt(ByteBuffer.wrap(remote.getAddress().getAddress()).getInt());
    key.putInt(local.getPort());
    key.putInt(remote.getPort());
    return key.array();
  }

  private static byte[] intKey(int i) {
    return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(i).array();
  }

  private static long cookieAt(BpfMap map, byte[] key) {
    byte[] value = map.lookup(key);
    assertNotNull(value, "no socket under " + hex(key));
    return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong();
  }

  private static List<byte[]> keys(BpfMap map) {
    List<byte[]> keys = new ArrayList<>();
    for (byte[] key = map.nextKey(null); key != null; key = map.nextKey(key)) {
      keys.add(key);
    }
    return keys;
  }

  private static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      s.append(String.format("%02x", b));
    }
    return s.toString();
  }

  private static final JavaFileObject PRINTER =
      JavaFileObjects.forSourceString(
          "lang.Printer",
          """
          package lang;

          import io.sockmap4j.Debug;
          import io.sockmap4j.SockOps;
          import io.sockmap4j.SockOpsContext;

          final class Printer {
            @SockOps
            static void established(SockOpsContext ops) {
              if (ops.op() == SockOpsContext.ACTIVE_ESTABLISHED_CB) {
                Debug.print("sm4j-test local=%d remote=%d %lld", ops.localPort(), ops.remotePort(),
                    -5L);
              }
            }
          }
          """);

  /**
   * With {@code -Asockmap4j.debug=true}, a print in the program reaches the trace pipe with the
   * values formatted by the kernel. A tracefs is mounted for the test at a private mount point if
   * none is mounted (and unmounted afterwards), so no tracing setting of the machine changes.
   */
  @KernelTest
  void debugPrintsReachTheTracePipe() throws Exception {
    ObjectSpec spec = spec(compile(true, PRINTER), "Printer");
    Path mounted = null;
    Path tracefs = TracePipe.findTracefs().orElse(null);
    if (tracefs == null) {
      mounted = Files.createTempDirectory("sockmap4j-tracefs");
      run("mount", "-t", "tracefs", "nodev", mounted.toString());
      tracefs = mounted;
    }
    try (TestCgroup cgroup = TestCgroup.create();
        BpfObject object = BpfObject.load(spec, AttachOptions.defaults().cgroup(cgroup.path()));
        TracePipe trace = TracePipe.open(tracefs);
        ServerSocketChannel listener = cgroup.runInside(SockOpsTest::listen);
        SocketChannel client =
            cgroup.runInside(() -> SocketChannel.open(listener.getLocalAddress()));
        SocketChannel server = listener.accept()) {
      int local = ((InetSocketAddress) client.getLocalAddress()).getPort();
      int remote = ((InetSocketAddress) client.getRemoteAddress()).getPort();
      String expected = "sm4j-test local=" + local + " remote=" + remote + " -5";
      Optional<TracePipe.Line> line =
          trace.await(
              l -> l.message().startsWith("sm4j-test local=" + local), Duration.ofSeconds(5));
      assertTrue(line.isPresent(), "no print arrived on " + trace.path());
      assertEquals(expected, line.get().message(), line.get().raw());
    } finally {
      if (mounted != null) {
        run("umount", mounted.toString());
        Files.delete(mounted);
      }
    }
  }

  private static ServerSocketChannel listen() throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
    listener.bind(new InetSocketAddress("127.0.0.1", 0));
    return listener;
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
  }

  // ------------------------------------------------------------------ code shapes

  @Test
  void debugPrintsCompileToNothingUnlessSwitchedOn() {
    String off = listing(compile(false, PROGRAM), "Ops");
    String on = listing(compile(true, PROGRAM), "Ops");
    assertFalse(off.contains("trace_printk"), off);
    assertTrue(on.contains("trace_printk"), on);
    assertTrue(off.contains("ktime_get_ns") && off.contains("get_prandom_u32"), off);
    assertTrue(off.contains("sock_hash_update") && off.contains("sock_map_update"), off);
    assertTrue(off.contains("sock_ops_cb_flags_set"), off);
  }

  // ------------------------------------------------------------------ compile errors

  @Test
  void aSockOpsProgramCannotRedirect() {
    JavaFileObject source =
        DiagnosticsTest.source(
            """
            @SockMap(maxEntries = 4)
            static SocketMap peers;
            @SockOps
            static void ops(SockOpsContext ops) {
              peers.redirect(null, 1);
            }
            """);
    Compilation c = DiagnosticsTest.compile(source);
    assertError(
        c,
        source,
        DiagnosticId.UnavailableHelper,
        "peers.redirect",
        "cannot redirect",
        "map.update(ops, key)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void skMsgAndSkSkbProgramsCannotInsertSockets() {
    JavaFileObject source =
        DiagnosticsTest.source(
            """
            @SockMap(maxEntries = 4)
            static SocketMap peers;
            @SkMsgVerdict(map = "peers")
            static Verdict send(SkMsg msg) {
              peers.updateIfAbsent(null, 1);
              return Verdict.PASS;
            }
            @SkSkbVerdict(map = "peers")
            static Verdict receive(SkBuff skb) {
              return peers.update(null, 2) ? Verdict.PASS : Verdict.DROP;
            }
            """);
    Compilation c = DiagnosticsTest.compile(source);
    assertError(
        c, source, DiagnosticId.UnavailableHelper, "peers.updateIfAbsent", "SK_MSG", "@SockOps");
    assertError(c, source, DiagnosticId.UnavailableHelper, "peers.update(null, 2)", "SK_SKB");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void aSockOpsMethodIsVoidAndTakesTheSockOpsContext() {
    JavaFileObject source =
        DiagnosticsTest.source(
            """
            @SockOps
            static int counts(SockOpsContext ops) { return 1; }
            @SockOps
            static void wrongContext(SkBuff skb) {}
            """);
    Compilation c = DiagnosticsTest.compile(source);
    assertError(
        c,
        source,
        DiagnosticId.BadProgramSignature,
        "static int counts",
        "'static void counts(SockOpsContext ops)'");
    assertError(
        c,
        source,
        DiagnosticId.BadProgramSignature,
        "static void wrongContext",
        "'static void wrongContext(SockOpsContext ops)'");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void debugPrintFormatsAreCheckedEvenWhenPrintsAreOff() {
    JavaFileObject source =
        DiagnosticsTest.source(
            """
            static final String FORMAT = "n=%d";
            @SockOps
            static void ops(SockOpsContext ops) {
              Debug.print(FORMAT, 1);
              Debug.print("two %d %d", ops.op());
              Debug.print("name %s", 1);
              Debug.print("%d %d %d %d", 1, 2, 3, 4);
              Debug.print("%d", ops);
              int x = ops.setReply(1);
            }
            """);
    Compilation c = DiagnosticsTest.compile(source);
    assertError(c, source, DiagnosticId.BadArgument, "Debug.print(FORMAT", "string literal");
    assertError(
        c, source, DiagnosticId.BadArgument, "two %d %d", "2 conversions", "1 value", "at most 3");
    assertError(c, source, DiagnosticId.BadArgument, "name %s", "'%s'", "%d");
    assertError(c, source, DiagnosticId.BadArgument, "%d %d %d %d", "4 conversions");
    assertError(c, source, DiagnosticId.BadArgument, "Debug.print(\"%d\", ops)", "numbers");
    assertError(c, source, DiagnosticId.Unsupported, "ops.setReply(1)", "void method");
    assertThat(c).hadErrorCount(6);
  }

  // ------------------------------------------------------------------ helpers

  static Compilation compile(boolean debug, JavaFileObject... sources) {
    Compilation c =
        Compiler.javac()
            .withProcessors(new SockmapProcessor())
            .withOptions(debug ? List.of("-Asockmap4j.debug=true") : List.of())
            .compile(sources);
    assertThat(c).succeededWithoutWarnings();
    return c;
  }

  static ObjectSpec spec(Compilation c, String className) {
    JavaFileObject object = generated(c, className + ".sockmap4j");
    try (InputStream in = object.openInputStream()) {
      return ObjectSpec.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String listing(Compilation c, String className) {
    try {
      return generated(c, className + ".sockmap4j.txt").getCharContent(true).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JavaFileObject generated(Compilation c, String name) {
    return c.generatedFile(StandardLocation.CLASS_OUTPUT, "lang", name)
        .orElseThrow(() -> new AssertionError("no resource lang/" + name));
  }
}
