package io.sockmap4j.processor.frontend;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreeScanner;
import io.sockmap4j.processor.diag.DiagnosticId;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * The rule that lets the compiler (and the reader) see that a loop ends. A loop is accepted when it
 * has a <em>counter</em>:
 *
 * <ul>
 *   <li>an {@code int} or {@code long} local, compared with a compile-time constant by {@code <},
 *       {@code <=}, {@code >} or {@code >=} in the loop condition (the whole condition or the first
 *       operand of its {@code &&} chain);
 *   <li>stepped by a non-zero constant towards the bound ({@code i++}, {@code i += 4}, {@code i--},
 *       {@code i = i - 2}) exactly once per iteration: in the update of a {@code for}, or as the
 *       last statement of a {@code while}/{@code do} body (which a {@code continue} would skip, so
 *       such a body may not have one);
 *   <li>assigned nowhere else in the loop, and stepping past the bound without overflowing.
 * </ul>
 *
 * The verifier (5.3+) then proves the same thing by running every iteration; the rule keeps a
 * program that would run forever from being sent to it.
 */
final class LoopBounds {
  private final Frame frame;
  private final Typer typer;

  LoopBounds(Frame frame, Typer typer) {
    this.frame = frame;
    this.typer = typer;
  }

  /** A counter step: the statement and its signed amount. */
  private record Step(Tree tree, long amount) {}

  /** Checks {@code loop}; the for-loop's initialiser must be compiled (its counter declared). */
  void check(StatementTree loop, String label) {
    ExpressionTree condition;
    StatementTree body;
    List<? extends ExpressionStatementTree> updates = null;
    if (loop instanceof ForLoopTree f) {
      condition = f.getCondition();
      body = f.getStatement();
      updates = f.getUpdate();
    } else if (loop instanceof WhileLoopTree w) {
      condition = w.getCondition();
      body = w.getStatement();
    } else {
      condition = ((DoWhileLoopTree) loop).getCondition();
      body = ((DoWhileLoopTree) loop).getStatement();
    }
    if (condition == null) {
      throw refuse(loop, "it has no condition");
    }
    ExpressionTree first = StatementCompiler.unparen(condition);
    while (first.getKind() == Tree.Kind.CONDITIONAL_AND) {
      first = StatementCompiler.unparen(((BinaryTree) first).getLeftOperand());
    }
    if (!(first instanceof BinaryTree compare) || !isOrdering(first.getKind())) {
      throw refuse(loop, "its condition does not compare a counter with a constant");
    }
    boolean counterLeft = counter(compare.getLeftOperand()).isPresent();
    ExpressionTree counterTree = counterLeft ? compare.getLeftOperand() : compare.getRightOperand();
    ExpressionTree boundTree = counterLeft ? compare.getRightOperand() : compare.getLeftOperand();
    Optional<Frame.Local> counter = counter(counterTree);
    Optional<Constant> bound = typer.constant(boundTree);
    if (counter.isEmpty() || bound.isEmpty()) {
      throw refuse(
          loop,
          "'" + first + "' does not compare an int or long local with a compile-time constant");
    }
    String name = counter.get().name();
    Step step = updates != null ? forStep(loop, updates, name) : bodyStep(loop, body, name, label);
    Tree.Kind op = counterLeft ? compare.getKind() : flip(compare.getKind());
    boolean up = op == Tree.Kind.LESS_THAN || op == Tree.Kind.LESS_THAN_EQUAL;
    if (step.amount() == 0 || (step.amount() > 0) != up) {
      throw refuse(
          loop,
          "its step '"
              + step.tree()
              + "' does not move "
              + name
              + " towards the bound of '"
              + first
              + "'");
    }
    checkNoOverflow(loop, counter.get(), op, bound.get().value(), step);
    AssignmentFinder finder = new AssignmentFinder(loop, name, step.tree());
    finder.scan(condition, null);
    finder.scan(body, null);
    if (updates != null) {
      finder.scan(updates, null);
    }
  }

  private Optional<Frame.Local> counter(ExpressionTree e) {
    if (StatementCompiler.unparen(e) instanceof IdentifierTree id) {
      return frame
          .lookup(id.getName().toString())
          .filter(
              l ->
                  l.type().isPrimitive(io.sockmap4j.processor.model.PrimitiveKind.INT)
                      || l.type().isLong());
    }
    return Optional.empty();
  }

  private Step forStep(
      StatementTree loop, List<? extends ExpressionStatementTree> updates, String name) {
    Step found = null;
    for (ExpressionStatementTree u : updates) {
      Optional<Step> step = step(u.getExpression(), name);
      if (step.isPresent()) {
        if (found != null) {
          throw refuse(loop, "its update steps " + name + " twice");
        }
        found = step.get();
      }
    }
    if (found == null) {
      throw refuse(loop, "its update does not step " + name + " by a constant");
    }
    return found;
  }

  private Step bodyStep(StatementTree loop, StatementTree body, String name, String label) {
    StatementTree last = body;
    if (body instanceof BlockTree b && !b.getStatements().isEmpty()) {
      last = b.getStatements().get(b.getStatements().size() - 1);
    }
    Optional<Step> step =
        last instanceof ExpressionStatementTree es
            ? step(es.getExpression(), name)
            : Optional.empty();
    if (step.isEmpty()) {
      throw refuse(loop, "the last statement of its body does not step " + name + " by a constant");
    }
    new ContinueFinder(loop, label, name).scan(body, null);
    return step.get();
  }

  /**
   * {@code i++}, {@code --i}, {@code i += k}, {@code i -= k}, {@code i = i + k}, {@code i = i - k}.
   */
  private Optional<Step> step(ExpressionTree tree, String name) {
    ExpressionTree e = StatementCompiler.unparen(tree);
    switch (e.getKind()) {
      case POSTFIX_INCREMENT:
      case PREFIX_INCREMENT:
        return isName(((UnaryTree) e).getExpression(), name)
            ? Optional.of(new Step(e, 1))
            : Optional.empty();
      case POSTFIX_DECREMENT:
      case PREFIX_DECREMENT:
        return isName(((UnaryTree) e).getExpression(), name)
            ? Optional.of(new Step(e, -1))
            : Optional.empty();
      case PLUS_ASSIGNMENT:
      case MINUS_ASSIGNMENT:
        {
          CompoundAssignmentTree ca = (CompoundAssignmentTree) e;
          Optional<Constant> k = typer.constant(ca.getExpression());
          if (!isName(ca.getVariable(), name) || k.isEmpty()) {
            return Optional.empty();
          }
          return Optional.of(
              new Step(
                  e,
                  e.getKind() == Tree.Kind.PLUS_ASSIGNMENT ? k.get().value() : -k.get().value()));
        }
      case ASSIGNMENT:
        {
          AssignmentTree a = (AssignmentTree) e;
          ExpressionTree v = StatementCompiler.unparen(a.getExpression());
          if (!isName(a.getVariable(), name) || !(v instanceof BinaryTree b)) {
            return Optional.empty();
          }
          boolean plus = b.getKind() == Tree.Kind.PLUS;
          if (!plus && b.getKind() != Tree.Kind.MINUS) {
            return Optional.empty();
          }
          Optional<Constant> k =
              isName(b.getLeftOperand(), name)
                  ? typer.constant(b.getRightOperand())
                  : plus && isName(b.getRightOperand(), name)
                      ? typer.constant(b.getLeftOperand())
                      : Optional.empty();
          return k.map(c -> new Step(e, plus ? c.value() : -c.value()));
        }
      default:
        return Optional.empty();
    }
  }

  private void checkNoOverflow(
      StatementTree loop, Frame.Local counter, Tree.Kind op, long bound, Step step) {
    BigInteger max =
        BigInteger.valueOf(counter.type().isLong() ? Long.MAX_VALUE : Integer.MAX_VALUE);
    BigInteger min =
        BigInteger.valueOf(counter.type().isLong() ? Long.MIN_VALUE : Integer.MIN_VALUE);
    BigInteger c = BigInteger.valueOf(bound);
    if (c.compareTo(max) > 0 || c.compareTo(min) < 0) {
      throw refuse(
          loop,
          "the bound "
              + bound
              + " is outside the range of the "
              + counter.type()
              + " "
              + counter.name());
    }
    // The last value that still passes the test, plus one step, must not wrap around.
    BigInteger last =
        switch (op) {
          case LESS_THAN -> c.subtract(BigInteger.ONE);
          case GREATER_THAN -> c.add(BigInteger.ONE);
          default -> c;
        };
    BigInteger next = last.add(BigInteger.valueOf(step.amount()));
    if (next.compareTo(max) > 0 || next.compareTo(min) < 0) {
      throw refuse(
          loop,
          counter.name()
              + " would overflow past the bound and wrap around instead of ending the loop");
    }
  }

  private static boolean isName(ExpressionTree e, String name) {
    return StatementCompiler.unparen(e) instanceof IdentifierTree id
        && id.getName().contentEquals(name);
  }

  private static boolean isOrdering(Tree.Kind kind) {
    return kind == Tree.Kind.LESS_THAN
        || kind == Tree.Kind.LESS_THAN_EQUAL
        || kind == Tree.Kind.GREATER_THAN
        || kind == Tree.Kind.GREATER_THAN_EQUAL;
  }

  private static Tree.Kind flip(Tree.Kind kind) {
    switch (kind) {
      case LESS_THAN:
        return Tree.Kind.GREATER_THAN;
      case LESS_THAN_EQUAL:
        return Tree.Kind.GREATER_THAN_EQUAL;
      case GREATER_THAN:
        return Tree.Kind.LESS_THAN;
      default:
        return Tree.Kind.LESS_THAN_EQUAL;
    }
  }

  static CompileError refuse(Tree loop, String reason) {
    return new CompileError(
        DiagnosticId.UnboundedLoop,
        loop,
        "sockmap4j cannot prove this loop ends: "
            + reason
            + ". Write it with a counter, for example 'for (int i = 0; i < N; i++)' with N a"
            + " compile-time constant, and do not assign the counter anywhere else in the loop;"
            + " leave early with break.");
  }

  /** Finds assignments to the counter other than its step. */
  private static final class AssignmentFinder extends TreeScanner<Void, Void> {
    private final Tree loop;
    private final String name;
    private final Tree step;

    AssignmentFinder(Tree loop, String name, Tree step) {
      this.loop = loop;
      this.name = name;
      this.step = step;
    }

    private void check(Tree t, ExpressionTree variable) {
      if (t != step && isName(variable, name)) {
        throw refuse(loop, "its counter " + name + " is also assigned in '" + t + "'");
      }
    }

    @Override
    public Void visitAssignment(AssignmentTree t, Void p) {
      check(t, t.getVariable());
      return super.visitAssignment(t, p);
    }

    @Override
    public Void visitCompoundAssignment(CompoundAssignmentTree t, Void p) {
      check(t, t.getVariable());
      return super.visitCompoundAssignment(t, p);
    }

    @Override
    public Void visitUnary(UnaryTree t, Void p) {
      switch (t.getKind()) {
        case POSTFIX_INCREMENT:
        case POSTFIX_DECREMENT:
        case PREFIX_INCREMENT:
        case PREFIX_DECREMENT:
          check(t, t.getExpression());
          break;
        default:
          break;
      }
      return super.visitUnary(t, p);
    }

    @Override
    public Void visitLambdaExpression(LambdaExpressionTree t, Void p) {
      return null; // reported as unsupported where it is compiled
    }
  }

  /**
   * Finds a {@code continue} of the loop itself, which would skip a step at the end of its body.
   */
  private static final class ContinueFinder extends TreeScanner<Void, Void> {
    private final Tree loop;
    private final String label;
    private final String name;
    private int depth;

    ContinueFinder(Tree loop, String label, String name) {
      this.loop = loop;
      this.label = label;
      this.name = name;
    }

    @Override
    public Void visitContinue(ContinueTree t, Void p) {
      boolean ours =
          t.getLabel() == null ? depth == 0 : label != null && t.getLabel().contentEquals(label);
      if (ours) {
        throw refuse(
            loop,
            "'continue' skips the step of "
                + name
                + " at the end of the body; write a for loop, whose update runs after continue");
      }
      return null;
    }

    private Void nested(Tree t) {
      depth++;
      try {
        return super.scan(t, null);
      } finally {
        depth--;
      }
    }

    @Override
    public Void visitWhileLoop(WhileLoopTree t, Void p) {
      return nested(t.getStatement());
    }

    @Override
    public Void visitDoWhileLoop(DoWhileLoopTree t, Void p) {
      return nested(t.getStatement());
    }

    @Override
    public Void visitForLoop(ForLoopTree t, Void p) {
      return nested(t.getStatement());
    }

    @Override
    public Void visitEnhancedForLoop(EnhancedForLoopTree t, Void p) {
      return nested(t.getStatement());
    }
  }
}
