package io.sockmap4j.processor.backend;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.processor.SockmapProcessor;
import java.io.IOException;
import java.util.function.IntFunction;
import javax.tools.StandardLocation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The optimiser's cost grows linearly with the size of the method it compiles. Counted in
 * instructions its analyses visit ({@link AnalysisWork}), not in time: the count is the same on a
 * busy machine. A pass that re-analyses the whole program after each small change (as coalescing
 * once did, one liveness analysis per coalesced copy) makes 8 times the code cost about 64 times
 * the work; linear passes stay near 8.
 */
class OptimizerWorkTest {
  private static final int SMALL = 80;
  private static final int LARGE = 8 * SMALL;

  /** The statement shapes of bench/codegen's SyntheticProgram: dependent arithmetic on locals. */
  private static final String[] ARITHMETIC = {
    "a = a * 3 + b;",
    "b = b ^ (a >>> 5);",
    "c = (c + a) & 0xffff;",
    "a = a - (c << 2);",
    "b += 7 * c;",
    "c = c | (b >> 3);",
  };

  /** Statements with branches, so that the passes also see many blocks, joins and diamonds. */
  private static final String[] BRANCHES = {
    "if (a > 1000) { b += a; }",
    "c = b > c ? 1 : 2;",
    "if ((a & 4) != 0) { a = a ^ c; } else { c = c + 3; }",
    "a = a * 5 + c;",
  };

  @ParameterizedTest
  @ValueSource(strings = {"arithmetic", "branches"})
  void workGrowsLinearlyWithTheNumberOfStatements(String shape) throws IOException {
    String[] statements = shape.equals("arithmetic") ? ARITHMETIC : BRANCHES;
    IntFunction<String> source = n -> program(n, statements);
    long small = work(SMALL, source);
    long large = work(LARGE, source);
    double ratio = (double) large / small;
    String report =
        "%s: %d instructions visited for %d statements, %d for %d (x%.1f; linear is about x8,"
                .formatted(shape, small, SMALL, large, LARGE, ratio)
            + " quadratic about x64): some pass re-analyses the program too often";
    // Below 8 statements' worth of work each, the optimiser could not have looked at the code.
    assertTrue(small > 8L * SMALL, report);
    assertTrue(ratio < 12, report);
  }

  /** Instructions the analyses visit while the processor compiles the program of size {@code n}. */
  private static long work(int n, IntFunction<String> source) throws IOException {
    long before = AnalysisWork.visited();
    Compilation c =
        Compiler.javac()
            .withProcessors(new SockmapProcessor())
            .compile(JavaFileObjects.forSourceString("synth.Synth", source.apply(n)));
    long after = AnalysisWork.visited();
    assertThat(c).succeededWithoutWarnings();
    String listing =
        c.generatedFile(StandardLocation.CLASS_OUTPUT, "synth", "Synth.sockmap4j.txt")
            .orElseThrow(() -> new AssertionError("no listing for Synth"))
            .getCharContent(true)
            .toString();
    // Every statement survives optimisation as at least one instruction.
    long insns = listing.lines().filter(l -> l.matches("\\s*\\d+:.*")).count();
    assertTrue(insns >= n, () -> n + " statements compiled to " + insns + " instructions");
    return after - before;
  }

  private static String program(int n, String[] statements) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < n; i++) {
      body.append("    ").append(statements[i % statements.length]).append('\n');
    }
    return """
        package synth;

        import io.sockmap4j.*;

        final class Synth {
          @SockMap(maxEntries = 8)
          static SocketMap slots;

          @SkSkbVerdict(map = "slots")
          static Verdict verdict(SkBuff skb) {
            int a = skb.len();
            int b = skb.localPort();
            int c = skb.remotePort();
        %s    return slots.redirect(skb, (a ^ b ^ c) & 7);
          }
        }
        """
        .formatted(body);
  }
}
