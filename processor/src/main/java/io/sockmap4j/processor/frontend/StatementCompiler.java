package io.sockmap4j.processor.frontend;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.frontend.Temps.Temp;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Compiles statements. Each statement is compiled under a guard: a {@link CompileError} is handed
 * to the error sink and compilation goes on with the next statement, so that every error of a
 * method is reported in one build.
 */
final class StatementCompiler {
  private final ExpressionCompiler exprs;
  private final JType returnType;
  private final SourcePositions positions;
  private final Consumer<CompileError> errors;

  /** Maps trees to backend source positions. */
  interface SourcePositions {
    io.sockmap4j.processor.backend.SourcePos of(Tree tree);
  }

  StatementCompiler(
      ExpressionCompiler exprs,
      JType returnType,
      SourcePositions positions,
      Consumer<CompileError> errors) {
    this.exprs = exprs;
    this.returnType = returnType;
    this.positions = positions;
    this.errors = errors;
  }

  void block(BlockTree block) {
    exprs.frame.enterScope();
    for (StatementTree s : block.getStatements()) {
      statement(s);
    }
    exprs.frame.exitScope();
  }

  void statement(StatementTree s) {
    if (!(s instanceof BlockTree)) {
      exprs.out.at(positions.of(s));
    }
    switch (s.getKind()) {
      case BLOCK:
        block((BlockTree) s);
        return;
      case IF:
        ifStatement((IfTree) s);
        return;
      case EMPTY_STATEMENT:
        return;
      default:
        guard(s, () -> simple(s));
    }
  }

  private void simple(StatementTree s) {
    switch (s.getKind()) {
      case VARIABLE:
        declare((VariableTree) s);
        return;
      case EXPRESSION_STATEMENT:
        {
          ExpressionTree e = ((ExpressionStatementTree) s).getExpression();
          if (e instanceof MethodInvocationTree call) {
            exprs.calls().call(call, true); // the result is discarded: leave it in r0
            return;
          }
          Temp t = exprs.eval(e);
          if (t != null) {
            exprs.temps.release(t);
          }
          return;
        }
      case RETURN:
        returnStatement((ReturnTree) s);
        return;
      default:
        throw unsupportedStatement(s);
    }
  }

  private void guard(Tree at, Runnable body) {
    try {
      body.run();
    } catch (CompileError e) {
      if (!e.isFollowOn()) {
        errors.accept(e);
      }
      exprs.temps.clear();
    }
  }

  private void declare(VariableTree v) {
    try {
      declareChecked(v);
    } catch (CompileError e) {
      exprs.frame.declareBroken(v.getName().toString());
      throw e;
    }
  }

  private void declareChecked(VariableTree v) {
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
    if (!type.isScalar() && type.kind() != JType.Kind.RECORD) {
      throw CompileError.unsupported(
          v, "a local of type " + type, "Locals can be primitives, Verdict, or records.");
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

  private void ifStatement(IfTree s) {
    Label otherwise = exprs.out.newLabel("else");
    Label done = exprs.out.newLabel("endif");
    guard(
        s.getCondition(),
        () -> exprs.branches().branch(unparen(s.getCondition()), false, otherwise));
    statement(s.getThenStatement());
    if (s.getElseStatement() != null) {
      exprs.out.jump(done);
      exprs.out.bind(otherwise);
      statement(s.getElseStatement());
      exprs.out.bind(done);
    } else {
      exprs.out.bind(otherwise);
    }
  }

  private void returnStatement(ReturnTree r) {
    if (r.getExpression() == null) {
      throw CompileError.unsupported(
          r, "'return;' without a value", "This program returns " + returnType + ".");
    }
    ExpressionTree e = unparen(r.getExpression());
    Optional<Constant> c = exprs.typer.constant(e);
    JType type = exprs.typer.typeOf(e);
    if (!(type.equals(returnType) || (type.isNumeric() && returnType.isNumeric()))) {
      throw CompileError.unsupported(
          r, "returning a " + type, "This program returns " + returnType + ".");
    }
    if (c.isPresent()) {
      exprs.out.movConst(Register.R0, new Constant(returnType, c.get().value()).registerValue());
    } else if (e instanceof MethodInvocationTree inv) {
      exprs.calls().call(inv, true);
    } else {
      Temp v = exprs.evalAs(e, returnType);
      exprs.out.mov(Width.W64, Register.R0, exprs.use(v, r));
      exprs.temps.release(v);
    }
    exprs.out.exit();
  }

  private static ExpressionTree unparen(ExpressionTree e) {
    while (e instanceof ParenthesizedTree p) {
      e = p.getExpression();
    }
    return e;
  }

  private static CompileError unsupportedStatement(StatementTree s) {
    String what;
    String hint;
    switch (s.getKind()) {
      case WHILE_LOOP:
      case DO_WHILE_LOOP:
      case FOR_LOOP:
      case ENHANCED_FOR_LOOP:
        what = "a loop";
        hint = "Unroll the loop by hand (a fixed number of copies of its body).";
        break;
      case SWITCH:
        what = "a switch statement";
        hint = "Use if/else chains.";
        break;
      case TRY:
      case THROW:
        what = s.getKind() == Tree.Kind.TRY ? "try/catch/finally" : "throw";
        hint = "Programs cannot throw or catch exceptions; return a verdict instead.";
        break;
      case SYNCHRONIZED:
        what = "synchronized";
        hint = "Programs run in the kernel and cannot lock Java monitors.";
        break;
      default:
        what = "the statement kind " + s.getKind().toString().toLowerCase(java.util.Locale.ROOT);
        hint = "See docs/LANGUAGE.md for the statements programs can use.";
    }
    return CompileError.unsupported(s, what, hint);
  }
}
