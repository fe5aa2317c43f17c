package io.sockmap4j.processor.frontend;

import com.sun.source.tree.Tree;
import io.sockmap4j.processor.backend.Label;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Where {@code break}, {@code continue}, {@code yield} and {@code return} go: a stack of the
 * enclosing statements that can be left, innermost first. Java's rules decide which entry a jump
 * names; an inlined method body and a switch expression are walls that {@code break} and {@code
 * continue} cannot cross.
 */
final class Flow {

  /** What kind of statement an entry stands for. */
  enum Kind {
    LOOP,
    SWITCH,
    /** A labelled statement that is not a loop or a switch: only {@code break label} leaves it. */
    LABELLED,
    SWITCH_EXPRESSION,
    METHOD
  }

  /**
   * One enclosing statement.
   *
   * @param label the Java label naming it, or null
   * @param breakTo where {@code break} (and {@code yield}, {@code return}) goes
   * @param continueTo where {@code continue} goes, for loops
   * @param type the value type of a switch expression or inlined method
   * @param recordTarget for an inlined method returning a record: the stack offset to build it at
   */
  record Entry(
      Kind kind,
      String label,
      Tree tree,
      Label breakTo,
      Label continueTo,
      JType type,
      int recordTarget) {
    static Entry loop(String label, Tree tree, Label breakTo, Label continueTo) {
      return new Entry(Kind.LOOP, label, tree, breakTo, continueTo, null, 0);
    }

    static Entry breakable(Kind kind, String label, Tree tree, Label breakTo) {
      return new Entry(kind, label, tree, breakTo, null, null, 0);
    }
  }

  private final Deque<Entry> entries = new ArrayDeque<>();

  void push(Entry entry) {
    entries.push(entry);
  }

  void pop() {
    entries.pop();
  }

  /** The statement {@code break} (with {@code label}, or null) leaves. */
  Optional<Entry> breakTarget(String label) {
    for (Entry e : entries) {
      if (e.kind() == Kind.SWITCH_EXPRESSION || e.kind() == Kind.METHOD) {
        return Optional.empty();
      }
      boolean unlabelledTarget = e.kind() == Kind.LOOP || e.kind() == Kind.SWITCH;
      if (label == null ? unlabelledTarget : label.equals(e.label())) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The loop {@code continue} (with {@code label}, or null) continues. */
  Optional<Entry> continueTarget(String label) {
    for (Entry e : entries) {
      if (e.kind() == Kind.SWITCH_EXPRESSION || e.kind() == Kind.METHOD) {
        return Optional.empty();
      }
      if (e.kind() == Kind.LOOP && (label == null || label.equals(e.label()))) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The switch expression a {@code yield} completes. */
  Optional<Entry> yieldTarget() {
    return entries.stream()
        .filter(e -> e.kind() == Kind.SWITCH_EXPRESSION || e.kind() == Kind.METHOD)
        .findFirst()
        .filter(e -> e.kind() == Kind.SWITCH_EXPRESSION);
  }

  /** The inlined method a {@code return} leaves; empty in the program method itself. */
  Optional<Entry> returnTarget() {
    return entries.stream().filter(e -> e.kind() == Kind.METHOD).findFirst();
  }

  /** Whether a {@code return} here would leave a switch expression (Java forbids it). */
  boolean insideSwitchExpression() {
    for (Entry e : entries) {
      if (e.kind() == Kind.METHOD) {
        return false;
      }
      if (e.kind() == Kind.SWITCH_EXPRESSION) {
        return true;
      }
    }
    return false;
  }
}
