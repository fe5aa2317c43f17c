package io.sockmap4j.processor.codegen;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.processor.SockmapProcessor;
import java.io.IOException;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The generated Loader compiles against the runtime (the compilation below fails if a call it
 * generates does not exist there) and offers attaching, pinning and reopening.
 */
class LoaderWriterTest {

  private static final JavaFileObject ECHO =
      JavaFileObjects.forSourceString(
          "demo.Echo",
          """
          package demo;

          import io.sockmap4j.*;

          final class Echo {
            @SockMap(maxEntries = 4)
            static SocketMap peers;

            @SkSkbVerdict(map = "peers")
            static Verdict echo(SkBuff skb) {
              return peers.redirect(skb, 0);
            }
          }
          """);

  @Test
  void theLoaderAttachesWithOptionsReopensPinsAndRemoves() throws IOException {
    Compilation c = Compiler.javac().withProcessors(new SockmapProcessor()).compile(ECHO);

    assertThat(c).succeededWithoutWarnings();
    String loader =
        c.generatedSourceFile("demo.EchoLoader").orElseThrow().getCharContent(false).toString();
    for (String member :
        new String[] {
          "public static EchoLoader attach() {\n    return attach(AttachOptions.defaults());",
          "public static EchoLoader attach(AttachOptions options) {\n"
              + "    return new EchoLoader(BpfObject.load(EchoLoader.class, OBJECT_RESOURCE,"
              + " options));",
          "public static EchoLoader openPinned(Path directory) {\n"
              + "    return new EchoLoader(BpfObject.openPinned(EchoLoader.class, OBJECT_RESOURCE,"
              + " directory));",
          "public void remove() {\n    object.remove();",
          "public void close() {\n    object.close();",
        }) {
      assertTrue(loader.contains(member), "missing:\n" + member + "\nin:\n" + loader);
    }
  }
}
