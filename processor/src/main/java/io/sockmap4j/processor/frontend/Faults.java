package io.sockmap4j.processor.frontend;

import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;

/**
 * The program's fault exit: where it goes when Java would throw (a division by zero, an array index
 * out of range). eBPF has no exceptions, and its own answers ({@code x / 0 == 0}) would silently
 * compute something Java never does, so the program ends instead, with its <em>fault result</em>:
 * {@code Verdict.DROP} for verdict programs, {@code -1} for stream parsers (a negative parser
 * result is an error for the kernel).
 *
 * <p>The code is one shared block after the method body, emitted only when some check jumps to it:
 *
 * <pre>
 *   fault:  r0 = fault result
 *           exit
 * </pre>
 */
final class Faults {
  private final Emitter out;
  private Label label;

  Faults(Emitter out) {
    this.out = out;
  }

  /** The label checks jump to when Java would throw. */
  Label label() {
    if (label == null) {
      label = out.newLabel("fault");
    }
    return label;
  }

  /** Emits the fault block if anything jumps to it; after the method body. */
  void emitHandler(JType returnType) {
    if (label == null) {
      return;
    }
    out.bind(label);
    if (out.reachable()) {
      long result =
          returnType.kind() == JType.Kind.VOID
              ? 1 // sock_ops: the verifier accepts only 0 and 1, and 1 disturbs nothing
              : returnType.isEnum() ? 0 : 0xFFFF_FFFFL; // Verdict.DROP, or (int) -1
      out.movConst(Register.R0, result);
      out.exit();
    }
  }
}
