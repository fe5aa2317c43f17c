package io.sockmap4j.processor;

import com.google.auto.service.AutoService;
import com.sun.source.util.Trees;
import io.sockmap4j.processor.codegen.LoaderWriter;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.diag.Reporter;
import io.sockmap4j.processor.frontend.CompiledProgram;
import io.sockmap4j.processor.frontend.ProgramCompiler;
import io.sockmap4j.processor.model.ClassModel;
import io.sockmap4j.processor.model.DeclarationReader;
import io.sockmap4j.processor.model.ProgramDecl;
import io.sockmap4j.processor.objfile.ObjectWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * The sockmap4j annotation processor: a thin pipeline. For each class with map or program
 * annotations it reads the declarations ({@link DeclarationReader}), compiles each program ({@link
 * ProgramCompiler}), writes the object resource ({@link ObjectWriter}) and its listing, and
 * generates the Loader ({@link LoaderWriter}). It reports, never throws, and never claims the
 * annotations.
 */
@AutoService(Processor.class)
public final class SockmapProcessor extends AbstractProcessor {
  private static final Set<String> ANNOTATIONS =
      Set.of(
          "io.sockmap4j.SockMap",
          "io.sockmap4j.SockHash",
          "io.sockmap4j.SkSkbParser",
          "io.sockmap4j.SkSkbVerdict",
          "io.sockmap4j.SkMsgVerdict",
          "io.sockmap4j.SockOps",
          "io.sockmap4j.BpfHash",
          "io.sockmap4j.BpfLruHash",
          "io.sockmap4j.BpfArray",
          "io.sockmap4j.BpfPerCpuArray",
          "io.sockmap4j.SkbVerdict");

  /**
   * {@code -Asockmap4j.debug=true} compiles {@code Debug.print} to {@code bpf_trace_printk};
   * without it the calls compile to nothing.
   */
  public static final String DEBUG_OPTION = "sockmap4j.debug";

  private Trees trees;
  private String treesFailure;
  private Reporter reporter;

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return ANNOTATIONS;
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(DEBUG_OPTION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    try {
      trees = Trees.instance(env);
    } catch (RuntimeException e) {
      // IntelliJ wraps the environment in a proxy that Trees cannot unwrap.
      treesFailure = e.toString();
    }
    reporter = new Reporter(env.getMessager(), trees);
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Set<TypeElement> classes = new LinkedHashSet<>();
    for (TypeElement annotation : annotations) {
      for (Element e : round.getElementsAnnotatedWith(annotation)) {
        classes.add((TypeElement) e.getEnclosingElement());
      }
    }
    for (TypeElement type : classes) {
      if (trees == null) {
        reporter.error(
            DiagnosticId.Environment,
            type,
            "the javac Tree API is not available in this build ("
                + treesFailure
                + "), so program bodies cannot be compiled. In IntelliJ IDEA, delegate the build"
                + " to Maven or Gradle (Settings > Build Tools > Maven > Runner > Delegate IDE"
                + " build/run actions), or build with javac directly.");
        continue;
      }
      try {
        compileClass(type);
      } catch (RuntimeException | IOException | Error e) {
        reporter.internal(type, e);
      }
    }
    return false;
  }

  private void compileClass(TypeElement type) throws IOException {
    int before = reporter.errorCount();
    ClassModel model = new DeclarationReader(reporter).read(type);
    ProgramCompiler compiler =
        new ProgramCompiler(
            trees,
            processingEnv.getElementUtils(),
            reporter,
            Boolean.parseBoolean(processingEnv.getOptions().get(DEBUG_OPTION)));
    List<CompiledProgram> compiled = new ArrayList<>();
    for (ProgramDecl program : model.programs()) {
      Optional<CompiledProgram> result;
      try {
        result = compiler.compile(model, program);
      } catch (RuntimeException e) {
        reporter.internal(program.method(), e);
        result = Optional.empty();
      }
      result.ifPresent(compiled::add);
    }
    if (reporter.errorCount() != before) {
      return;
    }
    writeObject(model, compiled);
    new LoaderWriter(processingEnv.getFiler(), processingEnv.getElementUtils()).write(model);
  }

  private void writeObject(ClassModel model, List<CompiledProgram> compiled) throws IOException {
    TypeElement type = model.type();
    String pkg = processingEnv.getElementUtils().getPackageOf(type).getQualifiedName().toString();
    String name = LoaderWriter.resourceName(type, processingEnv.getElementUtils());
    FileObject object =
        processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, pkg, name, type);
    try (OutputStream out = object.openOutputStream()) {
      out.write(ObjectWriter.write(model, compiled));
    }
    String listing = Listing.of(model, compiled);
    writeText(StandardLocation.CLASS_OUTPUT, pkg, name + ".txt", type, listing);
    // A second copy beside the generated Loader, where a reader of the generated sources looks.
    // Without -s, javac's source output is the class output: the file is written already.
    try {
      writeText(StandardLocation.SOURCE_OUTPUT, pkg, name + ".txt", type, listing);
    } catch (FilerException sameFile) {
      // the class-output copy is the one beside the generated sources
    }
  }

  private void writeText(
      StandardLocation location, String pkg, String name, TypeElement type, String text)
      throws IOException {
    FileObject file = processingEnv.getFiler().createResource(location, pkg, name, type);
    try (Writer out =
        new java.io.OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
      out.write(text);
    }
  }
}
