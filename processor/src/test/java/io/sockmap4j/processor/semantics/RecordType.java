package io.sockmap4j.processor.semantics;

import java.util.List;

/**
 * The records programs build as locals. Their components mix every size so that the C layout has
 * padding, and every signedness: byte and short components are sign-extended when read, char is
 * not.
 */
enum RecordType {
  R(
      List.of(
          new Component("x", JavaType.BYTE),
          new Component("y", JavaType.SHORT),
          new Component("z", JavaType.CHAR),
          new Component("w", JavaType.INT),
          new Component("v", JavaType.LONG),
          new Component("f", JavaType.BOOLEAN))),
  Q(
      List.of(
          new Component("v", JavaType.LONG),
          new Component("f", JavaType.BOOLEAN),
          new Component("w", JavaType.INT),
          new Component("y", JavaType.SHORT),
          new Component("x", JavaType.BYTE)));

  /** A record component. */
  record Component(String name, JavaType type) {}

  private final List<Component> components;

  RecordType(List<Component> components) {
    this.components = components;
  }

  List<Component> components() {
    return components;
  }

  /** The record's declaration, nested in the generated class. */
  String declaration() {
    return "record "
        + name()
        + "("
        + String.join(", ", components.stream().map(c -> c.type() + " " + c.name()).toList())
        + ") {}";
  }
}
