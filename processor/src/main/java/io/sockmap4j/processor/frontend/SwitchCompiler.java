package io.sockmap4j.processor.frontend;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.YieldTree;
import com.sun.source.util.TreeScanner;
import io.sockmap4j.processor.backend.JumpOp;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.SourcePos;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * {@code switch} statements and expressions on {@code int}, {@code short}, {@code char}, {@code
 * byte} and enums, in both forms: {@code case X:} with fall-through and {@code break}, and {@code
 * case X, Y ->} without. eBPF has no jump tables, so the selector is compared with each case value
 * in turn, or, with more than {@value #LINEAR_MAX} values, by a binary search over the sorted
 * values; then the case bodies follow in source order, so falling through is falling through.
 *
 * <pre>
 *   r7 = selector
 *   if r7 s>= 40 goto upper    (binary search, many values)
 *   if r7 == 10 goto case0      ...
 *   goto default (or end)
 *   case0: ...  break: goto end
 * </pre>
 *
 * A switch expression's value travels in r0 from each {@code yield} (or arrow expression) to the
 * end, where it moves into a temporary; the expression spills the caller's temporaries first.
 */
final class SwitchCompiler {
  static final int LINEAR_MAX = 4;

  private final StatementCompiler statements;
  private final ExpressionCompiler exprs;

  SwitchCompiler(StatementCompiler statements, ExpressionCompiler exprs) {
    this.statements = statements;
    this.exprs = exprs;
  }

  void statement(SwitchTree s, String label) {
    Label end = exprs.out.newLabel("end_switch");
    Flow.Entry entry = Flow.Entry.breakable(Flow.Kind.SWITCH, label, s, end);
    compile(s, s.getExpression(), s.getCases(), entry);
    exprs.out.bind(end);
  }

  Temp expression(SwitchExpressionTree s) {
    JType type = exprs.typer.typeOf(s);
    exprs.temps.spillAll(s);
    SourcePos line = exprs.out.position();
    Label end = exprs.out.newLabel("end_switch");
    compile(
        s,
        s.getExpression(),
        s.getCases(),
        new Flow.Entry(Flow.Kind.SWITCH_EXPRESSION, null, s, end, null, type, 0));
    exprs.out.bind(end);
    exprs.out.at(line); // the rest of the statement is the statement's line
    return exprs.fromR0(type, s);
  }

  private void compile(
      Tree s, ExpressionTree selector, List<? extends CaseTree> cases, Flow.Entry entry) {
    JType type = exprs.typer.typeOf(selector);
    if (!(type.isNumeric() && !type.isLong()) && !type.isEnum()) {
      throw CompileError.unsupported(
          selector, "a switch on a " + type, "Switch on an int, short, char, byte or enum value.");
    }
    List<Label> labels = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    List<Label> targets = new ArrayList<>();
    Label otherwise = entry.breakTo();
    for (CaseTree c : cases) {
      Label label = exprs.out.newLabel("case");
      labels.add(label);
      if (c.getExpressions().isEmpty()) {
        otherwise = label;
      }
      for (ExpressionTree e : c.getExpressions()) {
        long value = caseValue(e, type);
        if (!values.contains(value)) {
          values.add(value);
          targets.add(label);
        }
      }
    }
    if (entry.kind() == Flow.Kind.SWITCH_EXPRESSION && otherwise == entry.breakTo()) {
      if (!type.isEnum() || values.size() < type.enumInfo().constants().size()) {
        throw CompileError.unsupported(
            s, "a switch expression that does not cover every value", "Add a default case.");
      }
      // Every constant has a case: the last one needs no comparison.
      otherwise = targets.remove(targets.size() - 1);
      values.remove(values.size() - 1);
    }
    Label fallback = otherwise;
    statements.guard(
        () -> {
          Temp sel = exprs.eval(selector);
          dispatch(exprs.use(sel, selector), values, targets, fallback);
          exprs.temps.release(sel);
        });
    statements.flow().push(entry);
    exprs.frame.enterScope();
    try {
      for (int i = 0; i < cases.size(); i++) {
        exprs.out.bind(labels.get(i));
        CaseTree c = cases.get(i);
        if (c.getCaseKind() == CaseTree.CaseKind.STATEMENT) {
          for (StatementTree st : c.getStatements()) {
            statements.statement(st);
          }
        } else {
          rule(c.getBody(), entry);
          exprs.out.jump(entry.breakTo());
        }
      }
    } finally {
      exprs.frame.exitScope();
      statements.flow().pop();
    }
  }

  private void rule(Tree body, Flow.Entry entry) {
    if (body instanceof ExpressionTree e) {
      statements.at(e);
      statements.guard(
          () -> {
            if (entry.kind() == Flow.Kind.SWITCH_EXPRESSION) {
              statements.valueToR0(e, entry.type(), e);
            } else if (e instanceof MethodInvocationTree inv) {
              exprs.calls().call(inv, true);
            } else {
              Temp t = exprs.eval(e);
              if (t != null) {
                exprs.temps.release(t);
              }
            }
          });
    } else {
      statements.statement((StatementTree) body);
    }
  }

  /** The value a case label stands for: a constant, or an enum constant's ordinal. */
  private long caseValue(ExpressionTree e, JType selector) {
    if (selector.isEnum() && e instanceof IdentifierTree id) {
      int ordinal = selector.enumInfo().ordinal(id.getName().toString());
      if (ordinal < 0) {
        throw new CompileError(
            DiagnosticId.UnknownName, e, selector + " has no constant " + id.getName() + ".");
      }
      return ordinal;
    }
    Optional<Constant> c = exprs.typer.constant(e);
    if (c.isEmpty()
        || !(c.get().type().equals(selector)
            || (selector.isNumeric() && c.get().type().isNumeric()))) {
      throw CompileError.unsupported(
          e,
          "the case label '" + e + "'",
          "Case labels are constants of the selector's type, or the names of enum constants.");
    }
    return c.get().value();
  }

  /** Jumps to the target of the selector's value, or to {@code otherwise}. */
  private void dispatch(Register sel, List<Long> values, List<Label> targets, Label otherwise) {
    if (values.size() <= LINEAR_MAX) {
      for (int i = 0; i < values.size(); i++) {
        exprs.out.jumpIfImm(Width.W32, JumpOp.JEQ, sel, values.get(i).intValue(), targets.get(i));
      }
      exprs.out.jump(otherwise);
      return;
    }
    List<Integer> order =
        IntStream.range(0, values.size())
            .boxed()
            .sorted(Comparator.comparing(values::get))
            .toList();
    search(
        sel,
        order.stream().map(values::get).toList(),
        order.stream().map(targets::get).toList(),
        0,
        values.size(),
        otherwise);
  }

  private void search(
      Register sel, List<Long> values, List<Label> targets, int lo, int hi, Label otherwise) {
    if (hi - lo <= LINEAR_MAX) {
      for (int i = lo; i < hi; i++) {
        exprs.out.jumpIfImm(Width.W32, JumpOp.JEQ, sel, values.get(i).intValue(), targets.get(i));
      }
      exprs.out.jump(otherwise);
      return;
    }
    int mid = (lo + hi) >>> 1;
    Label upper = exprs.out.newLabel("case_upper");
    exprs.out.jumpIfImm(Width.W32, JumpOp.JSGE, sel, values.get(mid).intValue(), upper);
    search(sel, values, targets, lo, mid, otherwise);
    exprs.out.bind(upper);
    search(sel, values, targets, mid, hi, otherwise);
  }

  /**
   * The types of the values a switch expression can have: its arrow expressions and its {@code
   * yield}s. A yield may use locals declared earlier in its case, so their types are declared in
   * scopes of their own while the cases are scanned; nothing is emitted. A value that cannot be
   * typed here is skipped: compiling it reports the error.
   */
  static List<JType> resultTypes(SwitchExpressionTree s, Typer typer, Frame frame) {
    List<JType> types = new ArrayList<>();
    TreeScanner<Void, Void> scanner =
        new TreeScanner<>() {
          @Override
          public Void visitYield(YieldTree y, Void p) {
            add(y.getValue());
            return null;
          }

          private void add(ExpressionTree value) {
            try {
              types.add(typer.typeOf(value));
            } catch (CompileError e) {
              // reported when the value is compiled
            }
          }

          @Override
          public Void visitBlock(BlockTree b, Void p) {
            return inScope(() -> super.visitBlock(b, p));
          }

          @Override
          public Void visitForLoop(ForLoopTree f, Void p) {
            return inScope(() -> super.visitForLoop(f, p));
          }

          @Override
          public Void visitEnhancedForLoop(EnhancedForLoopTree f, Void p) {
            return inScope(() -> super.visitEnhancedForLoop(f, p));
          }

          /** Scans in a scope of its own, as the statement's locals are scoped when compiled. */
          private Void inScope(Supplier<Void> scan) {
            frame.enterScope();
            try {
              return scan.get();
            } finally {
              frame.exitScope();
            }
          }

          @Override
          public Void visitVariable(VariableTree v, Void p) {
            if (v.getType() == null && v.getInitializer() == null) {
              return null; // 'var' without a value: reported when the declaration is compiled
            }
            try {
              JType type =
                  v.getType() == null
                      ? typer.typeOf(v.getInitializer())
                      : typer.declaredType(v.getType(), v);
              frame.declareAt(v.getName().toString(), type, 0);
            } catch (CompileError e) {
              // reported when the declaration is compiled
            }
            return null;
          }

          @Override
          public Void visitSwitchExpression(SwitchExpressionTree inner, Void p) {
            return null; // its yields are its own
          }

          @Override
          public Void visitLambdaExpression(LambdaExpressionTree l, Void p) {
            return null;
          }

          @Override
          public Void visitClass(ClassTree c, Void p) {
            return null;
          }
        };
    frame.enterScope();
    try {
      for (CaseTree c : s.getCases()) {
        if (c.getCaseKind() == CaseTree.CaseKind.RULE) {
          if (c.getBody() instanceof ExpressionTree e) {
            try {
              types.add(typer.typeOf(e));
            } catch (CompileError error) {
              // reported when the value is compiled
            }
          } else {
            scanner.scan(c.getBody(), null);
          }
        } else {
          scanner.scan(c.getStatements(), null);
        }
      }
    } finally {
      frame.exitScope();
    }
    return types;
  }
}
