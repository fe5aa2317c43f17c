package io.sockmap4j.processor.frontend;

import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.frontend.Temps.Temp;

/**
 * Loops, compiled to real back-edges (bounded loops: Linux 5.3). Each is first checked by {@link
 * LoopBounds}; the verifier then runs every iteration, within its budget of one million processed
 * instructions.
 *
 * <pre>
 *   while (c) body          for (init; c; update) body         do body while (c)
 *
 *   head: if !c goto end    init                               head: body
 *         body              head: if !c goto end               cont: if c goto head
 *         goto head               body                         end:
 *   end:                    cont: update
 *                                 goto head
 *                           end:
 * </pre>
 *
 * {@code continue} jumps to {@code head} in a while loop and to {@code cont} otherwise; {@code
 * break} to {@code end}.
 */
final class LoopCompiler {
  private final StatementCompiler statements;
  private final ExpressionCompiler exprs;
  private final LoopBounds bounds;

  LoopCompiler(StatementCompiler statements, ExpressionCompiler exprs) {
    this.statements = statements;
    this.exprs = exprs;
    this.bounds = new LoopBounds(exprs.frame, exprs.typer);
  }

  void whileLoop(WhileLoopTree s, String label) {
    statements.guard(() -> bounds.check(s, label));
    Label head = exprs.out.newLabel("while");
    Label end = exprs.out.newLabel("end_while");
    exprs.out.bindLoopHead(head);
    statements.guard(
        () -> exprs.branches().branch(StatementCompiler.unparen(s.getCondition()), false, end));
    body(s, s.getStatement(), label, end, head);
    exprs.out.jump(head);
    exprs.out.bind(end);
  }

  void doWhileLoop(DoWhileLoopTree s, String label) {
    statements.guard(() -> bounds.check(s, label));
    Label head = exprs.out.newLabel("do");
    Label cont = exprs.out.newLabel("do_cond");
    Label end = exprs.out.newLabel("end_do");
    exprs.out.bindLoopHead(head);
    body(s, s.getStatement(), label, end, cont);
    exprs.out.bind(cont);
    statements.at(s.getCondition());
    statements.guard(
        () -> exprs.branches().branch(StatementCompiler.unparen(s.getCondition()), true, head));
    exprs.out.bind(end);
  }

  void forLoop(ForLoopTree s, String label) {
    exprs.frame.enterScope();
    try {
      for (StatementTree init : s.getInitializer()) {
        statements.statement(init);
      }
      statements.at(s);
      statements.guard(() -> bounds.check(s, label));
      Label head = exprs.out.newLabel("for");
      Label cont = exprs.out.newLabel("for_update");
      Label end = exprs.out.newLabel("end_for");
      exprs.out.bindLoopHead(head);
      if (s.getCondition() != null) {
        statements.guard(
            () -> exprs.branches().branch(StatementCompiler.unparen(s.getCondition()), false, end));
      }
      body(s, s.getStatement(), label, end, cont);
      exprs.out.bind(cont);
      for (ExpressionStatementTree update : s.getUpdate()) {
        statements.statement(update);
      }
      exprs.out.jump(head);
      exprs.out.bind(end);
    } finally {
      exprs.frame.exitScope();
    }
  }

  /**
   * {@code for (T x : array)}: bounded by construction, with a hidden index that the body cannot
   * assign.
   *
   * <pre>
   *   idx = 0
   *   head: if idx >= length goto end;  x = array[idx];  body
   *   cont: idx += 1;  goto head
   *   end:
   * </pre>
   */
  void forEach(EnhancedForLoopTree s, String label) {
    exprs.frame.enterScope();
    try {
      Label head = exprs.out.newLabel("foreach");
      Label cont = exprs.out.newLabel("foreach_next");
      Label end = exprs.out.newLabel("end_foreach");
      int[] index = {0};
      statements.guard(() -> index[0] = forEachHead(s, head, end));
      if (index[0] == 0) {
        return; // the error is reported; the body would only add follow-on errors
      }
      body(s, s.getStatement(), label, end, cont);
      exprs.out.bind(cont);
      statements.at(s);
      Temp i = exprs.temps.acquire(JType.INT, s);
      Register r = exprs.use(i, s);
      exprs.out.load(Size.DW, r, Register.R10, index[0]);
      exprs.out.aluImm(Width.W64, AluOp.ADD, r, 1);
      exprs.out.store(Size.DW, Register.R10, index[0], r);
      exprs.temps.release(i);
      exprs.out.jump(head);
      exprs.out.bind(end);
    } finally {
      exprs.frame.exitScope();
    }
  }

  /**
   * The head of a for-each loop: declares the hidden index and the loop variable, binds {@code
   * head}, and loads the element; returns the index's stack offset.
   */
  private int forEachHead(EnhancedForLoopTree s, Label head, Label end) {
    Frame.Local array = exprs.arrays().arrayLocal(s.getExpression());
    VariableTree v = s.getVariable();
    JType type =
        v.getType() == null ? array.type().element() : exprs.typer.declaredType(v.getType(), v);
    if (!CallResolver.assignable(array.type().element(), type)) {
      throw CompileError.unsupported(
          v, "a " + type + " loop variable over " + array.type(), "Match the types.");
    }
    int index = exprs.frame.allocate(8, s);
    Frame.Local x = exprs.frame.declare(v.getName().toString(), type, v);
    exprs.out.storeImm(Size.DW, Register.R10, index, 0);
    exprs.out.bindLoopHead(head);
    Temp t = exprs.temps.acquire(JType.INT, s);
    exprs.out.load(Size.DW, exprs.use(t, s), Register.R10, index);
    exprs.temps.unpin(t);
    Temp address = exprs.arrays().address(t, array.type(), s, end);
    Temp value = exprs.convert(exprs.arrays().loadAt(address, array, s), type, s);
    exprs.out.store(Size.DW, Register.R10, x.offset(), exprs.use(value, s));
    exprs.temps.release(value);
    return index;
  }

  private void body(Tree loop, StatementTree body, String label, Label end, Label cont) {
    statements.flow().push(Flow.Entry.loop(label, loop, end, cont));
    try {
      statements.statement(body);
    } finally {
      statements.flow().pop();
    }
  }
}
