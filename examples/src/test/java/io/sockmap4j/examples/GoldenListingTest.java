package io.sockmap4j.examples;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.processor.SockmapProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The eBPF each example compiles to, against reviewed listings in {@code
 * src/test/resources/golden}. A change in code generation shows up here as a diff to review; to
 * accept it, run with {@code SOCKMAP4J_UPDATE_GOLDEN=true} and commit the new listings.
 */
class GoldenListingTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  @ParameterizedTest
  @CsvSource({
    "io.sockmap4j.examples.echo, Echo",
    "io.sockmap4j.examples.proxy, Splice",
    "io.sockmap4j.examples.bypass, Bypass",
    "io.sockmap4j.examples.router, Router",
    "io.sockmap4j.examples.filter, Policy",
    "io.sockmap4j.examples.balancer, Balance",
    "io.sockmap4j.examples.sidecar, Sidecar",
    "io.sockmap4j.examples.bench, PortBypass"
  })
  void listingMatchesTheReviewedGoldenFile(String pkg, String name) throws IOException {
    Path source = SOURCES.resolve(pkg.replace('.', '/')).resolve(name + ".java");
    JavaFileObject file =
        JavaFileObjects.forSourceString(pkg + "." + name, Files.readString(source));
    Compilation compilation = javac().withProcessors(new SockmapProcessor()).compile(file);
    assertThat(compilation).succeededWithoutWarnings();
    String listing =
        compilation
            .generatedFile(StandardLocation.CLASS_OUTPUT, pkg, name + ".sockmap4j.txt")
            .orElseThrow()
            .getCharContent(true)
            .toString();
    assertThat(compilation).generatedSourceFile(pkg + "." + name + "Loader");
    Path golden = GOLDEN.resolve(name + ".sockmap4j.txt");
    if (Boolean.parseBoolean(System.getenv("SOCKMAP4J_UPDATE_GOLDEN"))) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, listing, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(golden), listing, "listing of " + name + " changed");
  }
}
