package io.sockmap4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.sockmap4j.processor.DiagnosticsTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.ObjectSpec;
import io.sockmap4j.runtime.VerifierException;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * The SK_MSG API of {@code SkMsg}: every method compiled and loaded into the real verifier, the
 * code shapes the verifier depends on (fresh bounds for every payload access, int results of the
 * helpers), and the compile errors for what the program type cannot do. The behaviour on real
 * sockets is checked by the examples' {@code MsgScenariosTest}.
 */
class MsgCallsTest {

  /** Every getter, payload access and helper of SkMsg, over a SOCKMAP and a SOCKHASH. */
  private static final JavaFileObject EVERYTHING =
      JavaFileObjects.forSourceString(
          "msg.Everything",
          """
          package msg;

          import io.sockmap4j.Direction;
          import io.sockmap4j.SkMsg;
          import io.sockmap4j.SkMsgVerdict;
          import io.sockmap4j.SockHash;
          import io.sockmap4j.SockMap;
          import io.sockmap4j.SocketHash;
          import io.sockmap4j.SocketMap;
          import io.sockmap4j.Verdict;

          final class Everything {
            static final int HEADER = 8;

            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SockHash(maxEntries = 4)
            static SocketHash<Integer> byPort;

            @SkMsgVerdict(map = "peers")
            static Verdict fields(SkMsg msg) {
              int sum = msg.size() + msg.family() + msg.remoteIp4() + msg.localIp4();
              for (int i = 0; i < 1; i++) {
                sum += msg.remoteIp6(0) ^ msg.remoteIp6(1) ^ msg.remoteIp6(2) ^ msg.remoteIp6(3);
              }
              sum += msg.localIp6(0) + msg.localIp6(1) + msg.localIp6(2) + msg.localIp6(3);
              sum += msg.remotePort() + msg.localPort();
              return peers.redirect(msg, sum & 3, Direction.INGRESS);
            }

            @SkMsgVerdict(map = "byPort")
            static Verdict payload(SkMsg msg) {
              if (msg.size() < 64 || msg.pullData(0, 64) != 0) {
                return Verdict.PASS;
              }
              byte b = msg.loadByte(0);
              short s = msg.loadShort(1);
              int i = msg.loadInt(HEADER);
              long l = msg.loadLong(HEADER + 4);
              int at = msg.size() & 31;
              int v = msg.loadByte(at) + msg.loadShort(at) + msg.loadInt(at);
              long w = msg.loadLong(at);
              byte[] head = new byte[13];
              msg.loadBytes(3, head);
              msg.loadBytes(at, head);
              head[0]++;
              msg.storeBytes(at, head);
              msg.storeBytes(40, head);
              msg.storeByte(0, b + 1);
              msg.storeShort(at, s);
              msg.storeInt(4, i ^ v);
              msg.storeLong(at, l + w);
              msg.applyBytes(100);
              int corked = msg.corkBytes(10);
              if (msg.pushData(4, 8) < 0 || msg.popData(at, 2) < 0) {
                return Verdict.DROP;
              }
              // reads after the data moved: every access loads data and data_end again
              int after = msg.loadByte(0) + msg.loadInt(at) + corked;
              return byPort.redirect(msg, after, Direction.EGRESS);
            }
          }
          """);

  @KernelTest
  void everyMethodLoads() {
    Compilation c = compile(EVERYTHING);
    assertLoads(c, "Everything", List.of("fields", "payload"));
  }

  @Test
  void everyPayloadAccessLoadsBothBoundsAfresh() {
    Compilation c = compile(EVERYTHING);
    String listing = listing(c, "Everything");
    String payload = listing.substring(listing.indexOf("payload"));
    int accesses = 8 + 4 + 4 + 2; // loads, bulk copies, scalar stores, reads after the helpers
    assertEquals(accesses, count(payload, "= \\*\\(u64 \\*\\)\\(r[16] \\+0\\)"), payload);
    assertEquals(accesses, count(payload, "= \\*\\(u64 \\*\\)\\(r[16] \\+8\\)"), payload);
    // sign extension of byte and short, big-endian byte order
    assertTrue(payload.contains("be16"), payload);
    assertTrue(payload.contains("be32"), payload);
    assertTrue(payload.contains("be64"), payload);
    // each helper's long result becomes an int: w = w0
    for (String helper :
        List.of(
            "bpf_msg_pull_data#63",
            "bpf_msg_apply_bytes#61",
            "bpf_msg_cork_bytes#62",
            "bpf_msg_push_data#90",
            "bpf_msg_pop_data#91")) {
      assertTrue(payload.contains("call " + helper), helper + " in\n" + payload);
    }
  }

  @Test
  void ip6WordsAreSwappedLoadsAtTheirOffsets() {
    Compilation c = compile(EVERYTHING);
    String listing = listing(c, "Everything");
    // struct sk_msg_md: remote_ip6[4] at 28, local_ip6[4] at 44
    for (int offset : new int[] {28, 32, 36, 40, 44, 48, 52, 56}) {
      assertTrue(
          Pattern.compile("= \\*\\(u32 \\*\\)\\(r\\d \\+" + offset + "\\)").matcher(listing).find(),
          () -> "no 4-byte load at +" + offset + " in\n" + listing);
    }
  }

  // ------------------------------------------------------------------------ compile errors

  @Test
  void socketCookieIsRefusedForSkMsg() {
    JavaFileObject source = msgVerdict("long c = msg.socketCookie();\nreturn Verdict.PASS;");

    Compilation c = compile(source, false);

    assertError(
        c,
        source,
        DiagnosticId.UnavailableHelper,
        "msg.socketCookie()",
        "bpf_get_socket_cookie",
        "program of this type cannot use helper",
        "msg.remoteIp4()");
  }

  @Test
  void msgHelpersAreRefusedForSkSkb() {
    for (String call :
        List.of(
            "skb.applyBytes(1)", "skb.corkBytes(1)", "skb.pushData(0, 1)", "skb.popData(0, 1)")) {
      JavaFileObject source =
          source(
              """
              @SkSkbVerdict(map = "peers")
              static Verdict verdict(SkBuff skb) {
                int r = %s;
                return Verdict.PASS;
              }
              """
                  .formatted(call));

      Compilation c = compile(source, false);

      assertError(
          c,
          source,
          DiagnosticId.UnavailableHelper,
          call,
          "is an SK_MSG helper (bpf_msg_",
          "SK_SKB programs cannot call",
          "@SkMsgVerdict");
    }
  }

  @Test
  void constantOffsetOutsideWhatTheVerifierAllows() {
    JavaFileObject negative = msgVerdict("int x = msg.loadInt(-1);\nreturn Verdict.PASS;");
    JavaFileObject tooFar = msgVerdict("int x = msg.loadInt(65532);\nreturn Verdict.PASS;");

    Compilation c1 = compile(negative, false);
    Compilation c2 = compile(tooFar, false);

    assertError(
        c1, negative, DiagnosticId.IndexOutOfRange, "loadInt(-1)", "payload offset -1", "0 to");
    assertThat(c1).hadErrorCount(1);
    assertError(
        c2, tooFar, DiagnosticId.IndexOutOfRange, "loadInt(65532)", "from 0 to 65531", "65535");
    assertThat(c2).hadErrorCount(1);
  }

  @Test
  void bulkAccessesTakeALocalByteArray() {
    JavaFileObject ints =
        msgVerdict("int[] a = new int[2];\nmsg.loadBytes(0, a);\nreturn Verdict.PASS;");
    JavaFileObject notArray = msgVerdict("int a = 1;\nmsg.storeBytes(0, a);\nreturn Verdict.PASS;");

    Compilation c1 = compile(ints, false);
    Compilation c2 = compile(notArray, false);

    assertError(c1, ints, DiagnosticId.BadArgument, "msg.loadBytes(0, a)", "byte[] local");
    assertError(c2, notArray, DiagnosticId.BadArgument, "msg.storeBytes(0, a)", "byte[]");
  }

  @Test
  void ip6WordMustBeAConstantInRange() {
    JavaFileObject source = msgVerdict("int w = msg.remoteIp6(4);\nreturn Verdict.PASS;");

    Compilation c = compile(source, false);

    assertError(c, source, DiagnosticId.BadArgument, "msg.remoteIp6(4)", "index 4 is out of range");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void storesAreStatements() {
    JavaFileObject source = msgVerdict("int x = msg.storeInt(0, 1);\nreturn Verdict.PASS;");

    Compilation c = compile(source, false);

    assertError(
        c, source, DiagnosticId.Unsupported, "msg.storeInt(0, 1)", "the result of the void method");
  }

  @Test
  void helperArgumentsAreInts() {
    JavaFileObject source = msgVerdict("int x = msg.popData(0, 1L);\nreturn Verdict.PASS;");

    Compilation c = compile(source, false);

    assertError(c, source, DiagnosticId.BadArgument, "msg.popData(0, 1L)", "popData takes int");
  }

  // ------------------------------------------------------------------------------ helpers

  private static JavaFileObject source(String members) {
    return JavaFileObjects.forSourceString(
        "msg.Prog",
        """
        package msg;

        import io.sockmap4j.*;

        final class Prog {
          @SockMap(maxEntries = 4)
          static SocketMap peers;

        %s
        }
        """
            .formatted(members));
  }

  private static JavaFileObject msgVerdict(String body) {
    return source(
        """
        @SkMsgVerdict(map = "peers")
        static Verdict verdict(SkMsg msg) {
        %s
        }
        """
            .formatted(body));
  }

  private static Compilation compile(JavaFileObject source) {
    return compile(source, true);
  }

  private static Compilation compile(JavaFileObject source, boolean succeed) {
    Compilation c = Compiler.javac().withProcessors(new SockmapProcessor()).compile(source);
    if (succeed) {
      assertThat(c).succeededWithoutWarnings();
    }
    return c;
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static String listing(Compilation c, String className) {
    try {
      return c.generatedFile(StandardLocation.CLASS_OUTPUT, "msg", className + ".sockmap4j.txt")
          .orElseThrow()
          .getCharContent(true)
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertLoads(Compilation c, String className, List<String> programs) {
    ObjectSpec spec;
    JavaFileObject object =
        c.generatedFile(StandardLocation.CLASS_OUTPUT, "msg", className + ".sockmap4j")
            .orElseThrow();
    try (InputStream in = object.openInputStream()) {
      spec = ObjectSpec.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (BpfObject loaded = BpfObject.load(spec)) {
      assertEquals(programs, loaded.programNames());
    } catch (VerifierException e) {
      fail(
          e.getMessage()
              + "\n\nfull verifier log:\n"
              + e.verifierLog()
              + "\n\nlisting:\n"
              + listing(c, className),
          e);
    }
  }
}
