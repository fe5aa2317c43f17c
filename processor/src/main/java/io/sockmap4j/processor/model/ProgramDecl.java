package io.sockmap4j.processor.model;

import javax.lang.model.element.ExecutableElement;

/**
 * A program declared by an annotated static method.
 *
 * @param method the method whose body is compiled
 * @param kind what it is attached as
 * @param map the map it is attached to, or {@code null} for a kind that attaches to no map ({@link
 *     ProgramKind#attachesToMap()})
 */
public record ProgramDecl(ExecutableElement method, ProgramKind kind, MapDecl map) {
  /** The method name, which names the program in the object, the kernel and the Loader. */
  public String name() {
    return method.getSimpleName().toString();
  }
}
