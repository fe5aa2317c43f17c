package io.sockmap4j.bench.harness;

import java.util.Set;
import javax.annotation.processing.Completion;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Delegates to a processor and adds up the thread CPU time spent inside its {@code init} and {@code
 * process}: the processor's own work, without the javac work it causes (parsing and compiling the
 * generated Loader).
 */
final class TimedProcessor implements Processor {

  private final Processor delegate;
  private long nanos;

  TimedProcessor(Processor delegate) {
    this.delegate = delegate;
  }

  /** CPU nanoseconds spent in the delegate's {@code init} and {@code process} so far. */
  long nanos() {
    return nanos;
  }

  @Override
  public Set<String> getSupportedOptions() {
    return delegate.getSupportedOptions();
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return delegate.getSupportedAnnotationTypes();
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return delegate.getSupportedSourceVersion();
  }

  @Override
  public void init(ProcessingEnvironment processingEnv) {
    long start = CompileTime.cpuNanos();
    delegate.init(processingEnv);
    nanos += CompileTime.cpuNanos() - start;
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnv) {
    long start = CompileTime.cpuNanos();
    try {
      return delegate.process(annotations, roundEnv);
    } finally {
      nanos += CompileTime.cpuNanos() - start;
    }
  }

  @Override
  public Iterable<? extends Completion> getCompletions(
      Element element, AnnotationMirror annotation, ExecutableElement member, String userText) {
    return delegate.getCompletions(element, annotation, member, userText);
  }
}
