package io.sockmap4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps docs/LANGUAGE.md and the compiler in step: every {@code ```java} block the page marks with
 * {@code <!-- compiles -->} on the line before it is compiled with the processor and must compile
 * without errors or warnings. A block that declares a class is compiled as it is; any other block
 * holds class members (maps, programs, methods, records, enums) and is wrapped in a class that
 * imports {@code io.sockmap4j.*}.
 */
class LanguageDocTest {
  private static final Path PAGE = Path.of("..", "docs", "LANGUAGE.md");

  /** The marker, then a java fence, its body, and the closing fence. */
  private static final Pattern EXAMPLE =
      Pattern.compile("<!-- compiles -->\\s*\\n```java\\n(.*?)\\n```", Pattern.DOTALL);

  private static final Pattern CLASS_NAME = Pattern.compile("(?m)^(?:public |final )*class (\\w+)");

  @TestFactory
  Stream<DynamicTest> everyMarkedExampleCompiles() throws IOException {
    String page = Files.readString(PAGE);
    List<DynamicTest> tests = new ArrayList<>();
    Matcher m = EXAMPLE.matcher(page);
    while (m.find()) {
      String code = m.group(1);
      int line = (int) page.substring(0, m.start(1)).lines().count() + 1;
      String name = "Example" + (tests.size() + 1);
      tests.add(DynamicTest.dynamicTest("LANGUAGE.md line " + line, () -> compiles(name, code)));
    }
    // The page shows every construct with an example; losing them all would pass vacuously.
    assertTrue(tests.size() >= 6, "only " + tests.size() + " marked examples in " + PAGE);
    return tests.stream();
  }

  private static void compiles(String name, String code) {
    JavaFileObject source;
    Matcher declared = CLASS_NAME.matcher(code);
    if (declared.find()) {
      source = JavaFileObjects.forSourceString(declared.group(1), code);
    } else {
      source =
          JavaFileObjects.forSourceString(
              "doc." + name,
              "package doc;\n\nimport io.sockmap4j.*;\n\nfinal class "
                  + name
                  + " {\n"
                  + code.indent(2)
                  + "}\n");
    }
    Compilation c = Compiler.javac().withProcessors(new SockmapProcessor()).compile(source);
    assertThat(c).succeededWithoutWarnings();
  }
}
