package io.sockmap4j.processor.frontend;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.tree.YieldTree;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.frontend.Temps.Temp;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Compiles statements. Each statement is compiled under a guard: a {@link CompileError} is handed
 * to the error sink and compilation goes on with the next statement, so that every error of a
 * method is reported in one build. Loops go through {@link LoopCompiler}, switches through {@link
 * SwitchCompiler}, calls to the class's methods through {@link InlineCalls}; {@link Flow} knows
 * where {@code break}, {@code continue}, {@code yield} and {@code return} go.
 */
final class StatementCompiler {
  private final ExpressionCompiler exprs;
  private final JType returnType;
  private final SourcePositions positions;
  private final Consumer<CompileError> errors;
  private int errorCount;
  private final Flow flow = new Flow();
  private final LoopCompiler loops;
  private final SwitchCompiler switches;
  private final InlineCalls inlineCalls;

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
    this.loops = new LoopCompiler(this, exprs);
    this.switches = new SwitchCompiler(this, exprs);
    this.inlineCalls = new InlineCalls(this, exprs);
    exprs.attach(this);
  }

  Flow flow() {
    return flow;
  }

  /** How many errors the statements compiled so far had. */
  int errorCount() {
    return errorCount;
  }

  SwitchCompiler switches() {
    return switches;
  }

  InlineCalls inlineCalls() {
    return inlineCalls;
  }

  /** Compiles the program method's body. */
  void program(MethodTree method) {
    inlineCalls.enterProgram(method);
    block(method.getBody());
  }

  /**
   * After the body: the shared exit for the places where Java would throw (see {@link Faults}), if
   * any jumps to it.
   */
  void faultHandler() {
    exprs.faults.emitHandler(returnType);
  }

  /** Attributes the instructions emitted from now on to {@code tree}'s line. */
  void at(Tree tree) {
    exprs.out.at(positions.of(tree));
  }

  void block(BlockTree block) {
    exprs.frame.enterScope();
    try {
      for (StatementTree s : block.getStatements()) {
        statement(s);
      }
    } finally {
      exprs.frame.exitScope();
    }
  }

  void statement(StatementTree s) {
    statement(s, null);
  }

  /** Compiles {@code s}, which the Java label {@code label} (or null) names. */
  private void statement(StatementTree s, String label) {
    if (!(s instanceof BlockTree)) {
      at(s);
    }
    switch (s.getKind()) {
      case BLOCK:
        labelled(s, label, () -> block((BlockTree) s));
        return;
      case IF:
        labelled(s, label, () -> ifStatement((IfTree) s));
        return;
      case EMPTY_STATEMENT:
        return;
      case LABELED_STATEMENT:
        {
          LabeledStatementTree l = (LabeledStatementTree) s;
          statement(l.getStatement(), l.getLabel().toString());
          return;
        }
      case WHILE_LOOP:
        loops.whileLoop((WhileLoopTree) s, label);
        return;
      case DO_WHILE_LOOP:
        loops.doWhileLoop((DoWhileLoopTree) s, label);
        return;
      case FOR_LOOP:
        loops.forLoop((ForLoopTree) s, label);
        return;
      case ENHANCED_FOR_LOOP:
        loops.forEach((EnhancedForLoopTree) s, label);
        return;
      case SWITCH:
        guard(() -> switches.statement((SwitchTree) s, label));
        return;
      default:
        labelled(s, label, () -> guard(() -> simple(s)));
    }
  }

  /** A labelled statement other than a loop or switch: {@code break label} leaves it. */
  private void labelled(Tree s, String label, Runnable body) {
    if (label == null) {
      body.run();
      return;
    }
    Label end = exprs.out.newLabel("end_" + label);
    flow.push(Flow.Entry.breakable(Flow.Kind.LABELLED, label, s, end));
    try {
      body.run();
    } finally {
      flow.pop();
    }
    exprs.out.bind(end);
  }

  private void simple(StatementTree s) {
    switch (s.getKind()) {
      case VARIABLE:
        LocalDeclarations.declare(exprs, (VariableTree) s);
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
      case BREAK:
        jump(s, ((BreakTree) s).getLabel(), false);
        return;
      case CONTINUE:
        jump(s, ((ContinueTree) s).getLabel(), true);
        return;
      case YIELD:
        yieldStatement((YieldTree) s);
        return;
      default:
        throw unsupportedStatement(s);
    }
  }

  /**
   * Runs {@code body}; a {@link CompileError} is reported and the statement's temporaries freed.
   */
  void guard(Runnable body) {
    List<Temp> before = exprs.temps.snapshot();
    try {
      body.run();
    } catch (CompileError e) {
      // An inlined method is compiled once per call; the reporter prints each error once.
      if (!e.isFollowOn()) {
        errorCount++;
        errors.accept(e);
      }
      exprs.temps.restore(before);
    }
  }

  private void ifStatement(IfTree s) {
    Label otherwise = exprs.out.newLabel("else");
    Label done = exprs.out.newLabel("endif");
    guard(() -> exprs.branches().branch(unparen(s.getCondition()), false, otherwise));
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

  private void jump(StatementTree s, javax.lang.model.element.Name label, boolean isContinue) {
    String name = label == null ? null : label.toString();
    Optional<Flow.Entry> target = isContinue ? flow.continueTarget(name) : flow.breakTarget(name);
    if (target.isEmpty()) {
      throw CompileError.unsupported(
          s,
          "this " + (isContinue ? "continue" : "break"),
          "It must name an enclosing loop"
              + (isContinue ? "" : ", switch or labelled statement")
              + " of the same method and switch expression.");
    }
    exprs.out.jump(isContinue ? target.get().continueTo() : target.get().breakTo());
  }

  private void yieldStatement(YieldTree y) {
    Flow.Entry target =
        flow.yieldTarget()
            .orElseThrow(
                () -> CompileError.unsupported(y, "yield outside a switch expression", ""));
    valueToR0(y.getValue(), target.type(), y);
    exprs.out.jump(target.breakTo());
  }

  private void returnStatement(ReturnTree r) {
    if (flow.insideSwitchExpression()) {
      throw CompileError.unsupported(r, "return inside a switch expression", "Use yield.");
    }
    Optional<Flow.Entry> method = flow.returnTarget();
    JType type = method.map(Flow.Entry::type).orElse(returnType);
    if (r.getExpression() == null) {
      if (type.kind() != JType.Kind.VOID) {
        throw CompileError.unsupported(
            r, "'return;' without a value", "This " + where(method) + " returns " + type + ".");
      }
    } else if (type.kind() == JType.Kind.RECORD) {
      exprs.calls().buildRecordInto(r.getExpression(), type.record(), method.get().recordTarget());
    } else {
      valueToR0(r.getExpression(), type, r);
    }
    if (method.isPresent()) {
      exprs.out.jump(method.get().breakTo());
    } else if (type.kind() == JType.Kind.VOID) {
      voidProgramExit();
    } else {
      exprs.out.exit();
    }
  }

  /**
   * The end of a {@code void} program (a sock_ops program): it returns 1, the kernel's "success"
   * and the only value besides 0 that the verifier accepts for that program type.
   */
  void voidProgramExit() {
    exprs.out.movConst(Register.R0, 1);
    exprs.out.exit();
  }

  private static String where(Optional<Flow.Entry> method) {
    return method.isPresent() ? "method" : "program";
  }

  /** Evaluates {@code value} as a {@code type} result into r0. */
  void valueToR0(ExpressionTree value, JType type, Tree at) {
    ExpressionTree e = unparen(value);
    Optional<Constant> c = exprs.typer.constant(e);
    JType actual = exprs.typer.typeOf(e);
    if (!(actual.equals(type) || (actual.isNumeric() && type.isNumeric()))) {
      throw CompileError.unsupported(
          at,
          "a " + actual + " result",
          "This " + where(flow.returnTarget()) + " returns " + type + ".");
    }
    if (c.isPresent()) {
      exprs.out.movConst(Register.R0, new Constant(type, c.get().value()).registerValue());
    } else if (e instanceof MethodInvocationTree inv && actual.equals(type)) {
      exprs.calls().call(inv, true);
    } else {
      Temp v = exprs.evalAs(e, type);
      exprs.out.mov(Width.W64, Register.R0, exprs.use(v, at));
      exprs.temps.release(v);
    }
  }

  static ExpressionTree unparen(ExpressionTree e) {
    while (e instanceof ParenthesizedTree p) {
      e = p.getExpression();
    }
    return e;
  }

  private static CompileError unsupportedStatement(StatementTree s) {
    String what;
    String hint;
    switch (s.getKind()) {
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
