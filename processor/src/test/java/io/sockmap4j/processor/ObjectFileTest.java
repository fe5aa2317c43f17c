package io.sockmap4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.runtime.ObjectSpec;
import io.sockmap4j.runtime.ObjectSpec.LineEntry;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/** What the processor writes besides the Loader: the object (format v2) and its listing. */
class ObjectFileTest {

  private static final String SOURCE =
      """
      package objs;

      import io.sockmap4j.*;

      final class Prog {
        @SockMap(maxEntries = 4)
        static SocketMap peers;

        @SkSkbVerdict(map = "peers")
        static Verdict verdict(SkBuff skb) {
          int n = skb.len();
          if (n > 100) {
            return Verdict.DROP;
          }
          return peers.redirect(skb, 0);
        }
      }
      """;

  private static Compilation compile() {
    Compilation c =
        Compiler.javac()
            .withProcessors(new SockmapProcessor())
            .compile(JavaFileObjects.forSourceString("objs.Prog", SOURCE));
    assertThat(c).succeededWithoutWarnings();
    return c;
  }

  private static String text(Compilation c, StandardLocation location, String name)
      throws IOException {
    JavaFileObject file =
        c.generatedFile(location, "objs", name)
            .orElseThrow(() -> new AssertionError("no " + location + " objs/" + name));
    return file.getCharContent(true).toString();
  }

  @Test
  void lineEntriesCarryTheTrimmedSourceTextOfTheirLine() throws IOException {
    Compilation c = compile();
    ObjectSpec spec;
    try (InputStream in =
        c.generatedFile(StandardLocation.CLASS_OUTPUT, "objs", "Prog.sockmap4j")
            .orElseThrow()
            .openInputStream()) {
      spec = ObjectSpec.read(in);
    }
    ProgramSpec program = spec.programs().get(0);
    List<String> source = SOURCE.lines().toList();

    assertFalse(program.lines().isEmpty());
    for (LineEntry entry : program.lines()) {
      assertEquals(source.get(entry.line() - 1).strip(), entry.source(), "entry " + entry);
    }
    List<String> texts = program.lines().stream().map(LineEntry::source).toList();
    assertTrue(texts.contains("int n = skb.len();"), texts.toString());
    assertTrue(texts.contains("return peers.redirect(skb, 0);"), texts.toString());
  }

  @Test
  void theListingIsWrittenBesideTheGeneratedSourcesToo() throws IOException {
    Compilation c = compile();

    String resource = text(c, StandardLocation.CLASS_OUTPUT, "Prog.sockmap4j.txt");
    String besideSources = text(c, StandardLocation.SOURCE_OUTPUT, "Prog.sockmap4j.txt");

    assertEquals(resource, besideSources);
    assertTrue(besideSources.contains("; int n = skb.len();"), besideSources);
    assertTrue(c.generatedSourceFile("objs.ProgLoader").isPresent(), "the Loader it sits beside");
  }
}
