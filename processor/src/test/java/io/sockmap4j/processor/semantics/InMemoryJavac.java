package io.sockmap4j.processor.semantics;

import io.sockmap4j.SkBuff;
import io.sockmap4j.processor.SockmapProcessor;
import io.sockmap4j.runtime.BpfObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * javac with the sockmap4j processor, in memory: one source in, every class file and resource out,
 * nothing written to disk.
 *
 * <p>Why not compile-testing: it never closes javac's file manager, which keeps every class path
 * jar open until a garbage collection, about thirty descriptors per compile; a differential run
 * compiles hundreds of batches. Here the file manager is closed after each compile, and the class
 * path holds only the two jars the generated code needs (the annotations and the runtime), which
 * also keeps javac fast.
 */
final class InMemoryJavac {

  /** The outcome of one compile. */
  record Result(
      boolean completed,
      String output,
      List<Diagnostic<? extends JavaFileObject>> diagnostics,
      Map<String, byte[]> outputs) {

    boolean succeeded() {
      return completed && diagnostics.stream().noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR);
    }

    /** The errors, one per line: {@code line 12:5: message}. */
    String errors() {
      return diagnostics.stream()
              .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
              .map(
                  d ->
                      "line "
                          + d.getLineNumber()
                          + ":"
                          + d.getColumnNumber()
                          + ": "
                          + d.getMessage(Locale.ROOT))
              .collect(Collectors.joining("\n"))
          + (completed ? "" : "\njavac did not complete:\n" + output);
    }

    /** The output at {@code path} ({@code diff/Batch.class}, {@code diff/Batch.sockmap4j}). */
    Optional<byte[]> output(String path) {
      return Optional.ofNullable(outputs.get(path));
    }
  }

  private static final String CLASS_PATH =
      location(SkBuff.class) + File.pathSeparator + location(BpfObject.class);

  private InMemoryJavac() {}

  /** Compiles {@code source}, the class {@code qualifiedName}, with the sockmap4j processor. */
  static Result compile(String qualifiedName, String source) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, byte[]> outputs = new ConcurrentHashMap<>();
    StringWriter out = new StringWriter();
    boolean completed;
    try (StandardJavaFileManager standard =
            javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
        JavaFileManager files = new Outputs(standard, outputs)) {
      JavaCompiler.CompilationTask task =
          javac.getTask(
              out,
              files,
              diagnostics,
              List.of("-classpath", CLASS_PATH, "-Xlint:none"),
              null,
              List.of(new Source(qualifiedName, source)));
      task.setProcessors(List.of(new SockmapProcessor()));
      completed = task.call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      completed = false; // javac crashed; its own report is in out
      out.write(e.toString());
    }
    return new Result(
        completed, out.toString(), List.copyOf(diagnostics.getDiagnostics()), Map.copyOf(outputs));
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static URI uri(String path) {
    return URI.create("mem:///" + path);
  }

  /** The source to compile. */
  private static final class Source extends SimpleJavaFileObject {
    private final String text;

    Source(String qualifiedName, String text) {
      super(uri(qualifiedName.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
      this.text = text;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }

  /** A file javac or the processor writes (and javac may read back: a generated source). */
  private static final class Output extends SimpleJavaFileObject {
    private final String path;
    private final Map<String, byte[]> outputs;

    Output(String path, Kind kind, Map<String, byte[]> outputs) {
      super(uri(path), kind);
      this.path = path;
      this.outputs = outputs;
    }

    @Override
    public OutputStream openOutputStream() {
      return new ByteArrayOutputStream() {
        @Override
        public void close() {
          outputs.put(path, toByteArray());
        }
      };
    }

    @Override
    public InputStream openInputStream() {
      return new ByteArrayInputStream(outputs.getOrDefault(path, new byte[0]));
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return new String(outputs.getOrDefault(path, new byte[0]), StandardCharsets.UTF_8);
    }
  }

  /** Sends every output to memory. */
  private static final class Outputs extends ForwardingJavaFileManager<StandardJavaFileManager> {
    private final Map<String, byte[]> outputs;

    Outputs(StandardJavaFileManager standard, Map<String, byte[]> outputs) {
      super(standard);
      this.outputs = outputs;
    }

    @Override
    public boolean hasLocation(Location location) {
      return location == StandardLocation.CLASS_OUTPUT
          || location == StandardLocation.SOURCE_OUTPUT
          || super.hasLocation(location);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(
        Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
      return new Output(className.replace('.', '/') + kind.extension, kind, outputs);
    }

    @Override
    public FileObject getFileForOutput(
        Location location, String packageName, String relativeName, FileObject sibling) {
      String dir = packageName.isEmpty() ? "" : packageName.replace('.', '/') + "/";
      return new Output(dir + relativeName, JavaFileObject.Kind.OTHER, outputs);
    }

    @Override
    public boolean isSameFile(FileObject a, FileObject b) {
      return a.toUri().equals(b.toUri());
    }
  }
}
