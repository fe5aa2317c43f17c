package io.sockmap4j.bench.harness;

import java.net.URI;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;

/**
 * A generated verdict program whose body is {@code n} arithmetic statements over three locals, for
 * measuring how the processor's cost grows with program size. The six statement shapes repeat in
 * turn; each depends on the previous ones, so nothing folds away.
 */
final class SyntheticProgram {

  private static final String[] STATEMENTS = {
    "a = a * 3 + b;",
    "b = b ^ (a >>> 5);",
    "c = (c + a) & 0xffff;",
    "a = a - (c << 2);",
    "b += 7 * c;",
    "c = c | (b >> 3);",
  };

  private SyntheticProgram() {}

  /** The simple class name of the program with {@code statements} statements. */
  static String className(int statements) {
    return "Synth" + statements;
  }

  /** The source of the program with {@code statements} statements. */
  static String source(int statements) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < statements; i++) {
      body.append("    ").append(STATEMENTS[i % STATEMENTS.length]).append('\n');
    }
    return """
           package io.sockmap4j.bench.synth;

           import io.sockmap4j.SkBuff;
           import io.sockmap4j.SkSkbVerdict;
           import io.sockmap4j.SockMap;
           import io.sockmap4j.SocketMap;
           import io.sockmap4j.Verdict;

           public final class %s {
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
        .formatted(className(statements), body);
  }

  /** The program as an in-memory compilation unit. */
  static JavaFileObject fileObject(int statements) {
    String name = className(statements);
    String text = source(statements);
    return new SimpleJavaFileObject(
        URI.create("string:///io/sockmap4j/bench/synth/" + name + ".java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return text;
      }
    };
  }
}
