package io.sockmap4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.processor.diag.DiagnosticId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * {@code SkBuff.cb(index)} and {@code SkBuff.priority()}: what they compile to, and the errors for
 * an index the verifier could not check. Their values are checked against Java in the kernel by the
 * differential test, which reads its inputs through them.
 */
class ControlBufferTest {

  @Test
  void eachWordIsOneFourByteLoadAtItsOwnOffset() {
    Compilation c =
        compile(
            """
            static final int LAST = 4;

            @SkSkbParser(map = "m")
            static int parse(SkBuff skb) {
              return skb.cb(0) + skb.cb(1) + skb.cb(2) + skb.cb(3) + skb.cb(LAST) + skb.priority();
            }
            """);
    assertThat(c).succeededWithoutWarnings();

    String listing = listing(c);
    // struct __sk_buff: priority at 32, cb[0..4] at 48, 52, 56, 60, 64.
    for (int offset : new int[] {32, 48, 52, 56, 60, 64}) {
      assertTrue(
          Pattern.compile("= \\*\\(u32 \\*\\)\\(r\\d \\+" + offset + "\\)").matcher(listing).find(),
          () -> "no 4-byte load at +" + offset + " in\n" + listing);
    }
  }

  @Test
  void indexOutOfRange() {
    JavaFileObject source = source("return skb.cb(5);");

    Compilation c = compile(source);

    assertError(c, source, "skb.cb(5)", "index 5 is out of range", "skb.cb(0) to cb(4)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void indexNotConstant() {
    JavaFileObject source = source("int i = skb.len() & 3;\n    return skb.cb(i);");

    Compilation c = compile(source);

    assertError(c, source, "skb.cb(i)", "must be an int compile-time constant", "static final");
    assertThat(c).hadErrorCount(1);
  }

  /** javac rejects these calls too, but only after the processor has compiled the body. */
  @Test
  void indexMissing() {
    JavaFileObject source = source("return skb.cb();");

    Compilation c = compile(source);

    assertError(c, source, "skb.cb()", "takes exactly one argument", "skb.cb(0) to cb(4)");
  }

  /** {@code priority()} reads, {@code priority(int)} writes; nothing else. */
  @Test
  void priorityTakesNoArgumentsOrOne() {
    JavaFileObject source = source("return skb.priority(1, 2);");

    Compilation c = compile(source);

    assertError(
        c,
        source,
        "skb.priority(1, 2)",
        "'priority' does not take 2 argument(s)",
        "priority(), priority(1 argument)");
  }

  // ------------------------------------------------------------------------------ helpers

  private static JavaFileObject source(String body) {
    return JavaFileObjects.forSourceString(
        "cb.Parser",
        """
        package cb;

        import io.sockmap4j.SkBuff;
        import io.sockmap4j.SkSkbParser;
        import io.sockmap4j.SockMap;
        import io.sockmap4j.SocketMap;

        final class Parser {
          @SockMap(maxEntries = 1)
          static SocketMap m;

          @SkSkbParser(map = "m")
          static int parse(SkBuff skb) {
            %s
          }
        }
        """
            .formatted(body));
  }

  private static Compilation compile(String members) {
    return compile(
        JavaFileObjects.forSourceString(
            "cb.Parser",
            """
            package cb;

            import io.sockmap4j.SkBuff;
            import io.sockmap4j.SkSkbParser;
            import io.sockmap4j.SockMap;
            import io.sockmap4j.SocketMap;

            final class Parser {
              @SockMap(maxEntries = 1)
              static SocketMap m;

              %s
            }
            """
                .formatted(members)));
  }

  private static Compilation compile(JavaFileObject source) {
    return Compiler.javac().withProcessors(new SockmapProcessor()).compile(source);
  }

  private static String listing(Compilation c) {
    try {
      return c.generatedFile(StandardLocation.CLASS_OUTPUT, "cb", "Parser.sockmap4j.txt")
          .orElseThrow()
          .getCharContent(true)
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertError(
      Compilation c, JavaFileObject source, String line, String... keywords) {
    StringBuilder regex =
        new StringBuilder("(?s)^").append(Pattern.quote(DiagnosticId.BadArgument.tag() + " "));
    for (String keyword : keywords) {
      regex.append(".*").append(Pattern.quote(keyword));
    }
    assertThat(c)
        .hadErrorContainingMatch(Pattern.compile(regex.toString()))
        .inFile(source)
        .onLineContaining(line);
  }
}
