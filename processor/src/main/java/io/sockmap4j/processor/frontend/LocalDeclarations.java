package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.frontend.Temps.Temp;

/**
 * Local variable declarations: scalars get an 8-byte slot, records a struct built in place, arrays
 * a block ({@link ArrayCompiler}). A declaration that fails is remembered as broken, so that its
 * uses are not reported again as unknown names.
 */
final class LocalDeclarations {
  private LocalDeclarations() {}

  static void declare(ExpressionCompiler exprs, VariableTree v) {
    try {
      declareChecked(exprs, v);
    } catch (CompileError e) {
      exprs.frame.declareBroken(v.getName().toString());
      throw e;
    }
  }

  private static void declareChecked(ExpressionCompiler exprs, VariableTree v) {
    if (!v.getModifiers().getAnnotations().isEmpty()) {
      throw CompileError.unsupported(v, "annotations on local variables", "Remove them.");
    }
    ExpressionTree initializer = v.getInitializer();
    if (initializer != null
        && (initializer.getKind() == Tree.Kind.LAMBDA_EXPRESSION
            || initializer.getKind() == Tree.Kind.MEMBER_REFERENCE)) {
      // Report the lambda itself rather than its functional interface type.
      throw Typer.unsupportedExpression(initializer);
    }
    JType type =
        v.getType() == null
            ? exprs.typer.typeOf(initializerOf(v))
            : exprs.typer.declaredType(v.getType(), v);
    if (type.kind() == JType.Kind.ARRAY) {
      exprs.arrays().declare(v, v.getType() == null ? null : type);
      return;
    }
    if (!type.isScalar() && type.kind() != JType.Kind.RECORD) {
      throw CompileError.unsupported(
          v,
          "a local of type " + type,
          "Locals can be primitives, enums, records or arrays of primitives.");
    }
    ExpressionTree init = v.getInitializer();
    if (init == null) {
      exprs.frame.declare(v.getName().toString(), type, v);
      return;
    }
    if (type.kind() == JType.Kind.RECORD) {
      // Declared after the initialiser is built, as Java scopes it.
      int offset = exprs.frame.allocate(type.record().size(), v);
      exprs.calls().buildRecordInto(init, type.record(), offset);
      exprs.frame.declareAt(v.getName().toString(), type, offset);
      return;
    }
    Temp value = exprs.evalAs(init, type);
    Frame.Local local = exprs.frame.declare(v.getName().toString(), type, v);
    exprs.out.store(Size.DW, Register.R10, local.offset(), exprs.use(value, v));
    exprs.temps.release(value);
  }

  private static ExpressionTree initializerOf(VariableTree v) {
    if (v.getInitializer() == null) {
      throw CompileError.unsupported(v, "'var' without an initialiser", "Give it a value.");
    }
    return v.getInitializer();
  }
}
