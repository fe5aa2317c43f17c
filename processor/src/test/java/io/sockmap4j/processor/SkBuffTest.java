package io.sockmap4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.sockmap4j.processor.DiagnosticsTest.assertError;
import static io.sockmap4j.processor.DiagnosticsTest.compile;
import static io.sockmap4j.processor.DiagnosticsTest.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
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
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SK_SKB program API: every {@code SkBuff} getter, the payload loads and stores, the resize
 * helpers, the context stores and the 5.13 {@code @SkbVerdict}, compiled by the processor and
 * loaded into the real verifier; the code shapes the kernel depends on; and each compile error for
 * a mistake the kernel would refuse or silently ignore. Their behaviour on real traffic is checked
 * by {@code SkbScenariosTest} in the examples.
 */
class SkBuffTest {

  /** Every getter, every payload method, both context stores, and the three SK_SKB kinds. */
  private static final JavaFileObject ALL =
      JavaFileObjects.forSourceString(
          "skb.All",
          """
          package skb;

          import io.sockmap4j.Direction;
          import io.sockmap4j.SkBuff;
          import io.sockmap4j.SkSkbParser;
          import io.sockmap4j.SkSkbVerdict;
          import io.sockmap4j.SkbVerdict;
          import io.sockmap4j.SockHash;
          import io.sockmap4j.SockMap;
          import io.sockmap4j.SocketHash;
          import io.sockmap4j.SocketMap;
          import io.sockmap4j.Verdict;

          final class All {
            record Ip6(int a, int b, int c, int d) {}

            @SockMap(maxEntries = 2)
            static SocketMap peers;

            @SockHash(maxEntries = 2)
            static SocketHash<Ip6> byAddress;

            /** A length-prefixed framing: reads only, as a parser must. */
            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) {
              if (skb.len() < 6) {
                return 0;
              }
              byte[] magic = new byte[2];
              skb.loadBytes(4, magic);
              return magic[0] == 'S' ? 6 + (skb.loadInt(0) & 0xFFF) : -1;
            }

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              long fields =
                  skb.len()
                      + skb.pktType()
                      + skb.queueMapping()
                      + skb.protocol()
                      + skb.vlanPresent()
                      + skb.vlanTci()
                      + skb.vlanProto()
                      + skb.priority()
                      + skb.ingressIfindex()
                      + skb.ifindex()
                      + skb.tcIndex()
                      + skb.cb(0)
                      + skb.hash()
                      + skb.napiId()
                      + skb.family()
                      + skb.remoteIp4()
                      + skb.localIp4()
                      + skb.remoteIp6(0)
                      + skb.remoteIp6(3)
                      + skb.localIp6(1)
                      + skb.localIp6(2)
                      + skb.remotePort()
                      + skb.localPort()
                      + skb.gsoSegs()
                      + skb.gsoSize()
                      + skb.socketCookie()
                      + skb.socketUid();
              skb.priority(skb.priority() + 1);
              skb.tcIndex((int) fields);
              byte b = skb.loadByte(0);
              short s = skb.loadShort(1);
              int i = skb.loadInt(3);
              long l = skb.loadLong(7);
              byte[] buf = new byte[16];
              skb.loadBytes(0, buf);
              skb.loadBytes(skb.len() - 3, buf, 3);
              boolean ok =
                  skb.storeByte(0, b)
                      && skb.storeShort(1, s)
                      && skb.storeInt(3, i)
                      && skb.storeLong(7, l)
                      && skb.storeBytes(0, buf)
                      && skb.storeBytes(2, buf, 5);
              int changed =
                  skb.pullData(8)
                      | skb.changeTail(skb.len() + 1)
                      | skb.changeHead(4)
                      | skb.adjustRoom(-4);
              int after = skb.loadInt(0); // no pointer to invalidate: still a checked load
              return ok && changed == 0 ? peers.redirect(skb, after & 1) : Verdict.DROP;
            }

            @SkbVerdict(map = "byAddress")
            static Verdict datagram(SkBuff skb) {
              if (skb.changeTail(skb.len() - 1) != 0) {
                return Verdict.DROP;
              }
              Ip6 peer = new Ip6(skb.remoteIp6(0), skb.remoteIp6(1), skb.remoteIp6(2), skb.remoteIp6(3));
              return byAddress.redirect(skb, peer, Direction.INGRESS);
            }
          }
          """);

  @KernelTest
  void everyMethodLoads() {
    Compilation c = compile(ALL);
    assertThat(c).succeededWithoutWarnings();
    assertLoads(c, "All", List.of("parse", "verdict", "datagram"));
  }

  @Test
  void skbVerdictIsWrittenWithAttachType38() throws IOException {
    Compilation c = compile(ALL);
    ObjectSpec spec = spec(c, "All");
    assertEquals(
        List.of(4, 5, 38),
        spec.programs().stream().map(ObjectSpec.ProgramSpec::attachType).toList());
    assertEquals(
        List.of(14, 14, 14),
        spec.programs().stream().map(ObjectSpec.ProgramSpec::progType).toList());
  }

  /** Each getter reads its field's offset with a 4-byte load, and swaps the network-order ones. */
  @ParameterizedTest
  @CsvSource({
    "pktType(), 4, ''",
    "queueMapping(), 12, ''",
    "protocol(), 16, be16",
    "vlanPresent(), 20, ''",
    "vlanTci(), 24, ''",
    "vlanProto(), 28, be16",
    "ingressIfindex(), 36, ''",
    "ifindex(), 40, ''",
    "tcIndex(), 44, ''",
    "hash(), 68, ''",
    "napiId(), 84, ''",
    "remoteIp6(0), 100, be32",
    "remoteIp6(3), 112, be32",
    "localIp6(0), 116, be32",
    "localIp6(3), 128, be32",
    "gsoSegs(), 164, ''",
    "gsoSize(), 176, ''",
  })
  void gettersLoadTheirField(String getter, int offset, String swap) {
    String listing =
        verdictListing("return skb." + getter + " == 7 ? Verdict.PASS : Verdict.DROP;");
    assertTrue(
        Pattern.compile("= \\*\\(u32 \\*\\)\\(r\\d \\+" + offset + "\\)").matcher(listing).find(),
        () -> "no 4-byte load at +" + offset + " in  " + listing);
    assertEquals(!swap.isEmpty(), listing.contains("be16") || listing.contains("be32"), listing);
    if (!swap.isEmpty()) {
      assertTrue(listing.contains(swap), listing);
    }
  }

  @Test
  void settersStoreFourBytes() {
    String listing =
        verdictListing("skb.priority(3);  skb.tcIndex(skb.len());  return Verdict.PASS;");
    assertTrue(
        Pattern.compile("\\*\\(u32 \\*\\)\\(r\\d \\+32\\) = r\\d").matcher(listing).find(),
        listing);
    assertTrue(
        Pattern.compile("\\*\\(u32 \\*\\)\\(r\\d \\+44\\) =").matcher(listing).find(), listing);
  }

  @Test
  void socketUidCallsItsHelper() {
    String listing = verdictListing("return skb.socketUid() == 0 ? Verdict.PASS : Verdict.DROP;");
    assertTrue(listing.contains("call bpf_get_socket_uid"), listing);
  }

  /** A failed load ends the program with its fault result, as ByteBuffer would throw. */
  @Test
  void aLoadChecksTheHelperAndSwapsToHostOrder() {
    String listing = verdictListing("return skb.loadInt(2) == 7 ? Verdict.PASS : Verdict.DROP;");
    assertTrue(listing.contains("call bpf_skb_load_bytes"), listing);
    assertTrue(Pattern.compile("if r0 != 0 goto").matcher(listing).find(), listing);
    assertTrue(listing.contains("be32"), listing);
  }

  // ------------------------------------------------------------------------ compile errors

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "skb.storeByte(0, (byte) 1); | storeByte",
        "skb.storeBytes(0, new byte[2]) ; | storeBytes",
        "skb.changeTail(1); | changeTail",
        "skb.changeHead(1); | changeHead",
        "skb.adjustRoom(1); | adjustRoom",
        "skb.pullData(1); | pullData",
      })
  void aParserThatChangesThePacketIsRefused(String call, String method) {
    String body =
        call.contains("new byte")
            ? "byte[] b = new byte[2];  " + call.replace("new byte[2]", "b")
            : call;
    JavaFileObject source = parser(body + "  return skb.len();");

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.NotAllowedInProgram,
        "skb." + method,
        "a stream parser cannot call " + method,
        "in the @SkSkbVerdict");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aParserThatRedirectsIsRefused() {
    JavaFileObject source = parser("peers.redirect(skb, 0);  return skb.len();");

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.NotAllowedInProgram,
        "peers.redirect(skb, 0)",
        "a stream parser cannot redirect");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aParserMayReadAndSetContextFields() {
    Compilation c =
        compile(parser("skb.priority(skb.loadByte(0));  skb.tcIndex(1);  return skb.len();"));
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void aStreamVerdictAndAnSkbVerdictCannotShareAMap() {
    JavaFileObject source =
        source(
            """
            @SockHash(maxEntries = 4)
            static SocketHash<Long> socks;
            @SkSkbVerdict(map = "socks")
            static Verdict stream(SkBuff skb) { return Verdict.PASS; }
            @SkbVerdict(map = "socks")
            static Verdict datagrams(SkBuff skb) { return Verdict.PASS; }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.ConflictingPrograms,
        "static Verdict datagrams",
        "map 'socks' already has the @SkSkbVerdict program 'stream'",
        "EBUSY");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aParserNeverRunsBeforeAnSkbVerdict() {
    JavaFileObject source =
        source(
            """
            @SockMap(maxEntries = 4)
            static SocketMap peers;
            @SkbVerdict(map = "peers")
            static Verdict any(SkBuff skb) { return Verdict.PASS; }
            @SkSkbParser(map = "peers")
            static int parse(SkBuff skb) { return skb.len(); }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.ConflictingPrograms,
        "static int parse",
        "this parser would never run");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void twoSkbVerdictsOnOneMapAreDuplicates() {
    JavaFileObject source =
        source(
            """
            @SockMap(maxEntries = 4)
            static SocketMap peers;
            @SkbVerdict(map = "peers")
            static Verdict one(SkBuff skb) { return Verdict.PASS; }
            @SkbVerdict(map = "peers")
            static Verdict two(SkBuff skb) { return Verdict.DROP; }
            """);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.DuplicateProgram, "static Verdict two", "@SkbVerdict");
    assertThat(c).hadErrorCount(1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "int[] a = new int[2];  skb.loadBytes(0, a); | skb.loadBytes | 'a' is a int[2]",
        "byte[] a = new byte[2];  skb.loadBytes(0, a, 3); | skb.loadBytes | the length 3 does not fit a",
        "byte[] a = new byte[2];  skb.storeBytes(0, a, 0); | skb.storeBytes | the length 0 does not fit a",
        "byte[] a = new byte[2];  skb.loadBytes(0, a, skb.len()); | skb.loadBytes | must be an int"
            + " compile-time constant",
        "int x = skb.remoteIp6(4); | remoteIp6(4) | index 4 is out of range",
        "int i = skb.len();  int x = skb.localIp6(i); | localIp6(i) | must be an int compile-time"
            + " constant",
      })
  void payloadArgumentsTheKernelCannotCheckAreRefused(String body, String line, String words) {
    JavaFileObject source = DiagnosticsTest.skbVerdict(body + "  return Verdict.PASS;");

    Compilation c = compile(source);

    assertThat(c).hadErrorContaining(words);
    assertThat(c).hadErrorContaining(words).inFile(source).onLineContaining(line);
  }

  // ------------------------------------------------------------------------------ helpers

  private static JavaFileObject parser(String body) {
    return source(
        """
        @SockMap(maxEntries = 4)
        static SocketMap peers;
        @SkSkbParser(map = "peers")
        static int parse(SkBuff skb) {
        %s
        }
        """
            .formatted(body));
  }

  private static String verdictListing(String body) {
    Compilation c = compile(DiagnosticsTest.skbVerdict(body));
    assertThat(c).succeededWithoutWarnings();
    try {
      return c.generatedFile(StandardLocation.CLASS_OUTPUT, "test", "Prog.sockmap4j.txt")
          .orElseThrow()
          .getCharContent(true)
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectSpec spec(Compilation c, String className) {
    JavaFileObject object =
        c.generatedFile(StandardLocation.CLASS_OUTPUT, "skb", className + ".sockmap4j")
            .orElseThrow(() -> new AssertionError("no object for " + className));
    try (InputStream in = object.openInputStream()) {
      return ObjectSpec.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertLoads(Compilation c, String className, List<String> programs) {
    try (BpfObject loaded = BpfObject.load(spec(c, className))) {
      assertEquals(programs, loaded.programNames());
    } catch (VerifierException e) {
      fail(e.getMessage() + "    full verifier log:  " + e.verifierLog(), e);
    }
  }
}
