package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.VariableTree;
import io.sockmap4j.processor.backend.Label;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.SourcePos;
import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.frontend.Temps.Temp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Calls to static methods of the program's class, compiled by inlining: the arguments are evaluated
 * left to right and bound to fresh locals, the callee's body is compiled in place, and each {@code
 * return} jumps to the end of the call with its value in r0 (a record result is built straight into
 * the caller's slot).
 *
 * <pre>
 *   r7 = arg0; *(u64 *)(r10 -24) = r7      parameters: the callee's own locals
 *   ...body...                             return e:  r0 = e; goto ret
 *   ret:  r7 = r0                          the call's value
 * </pre>
 *
 * Inlining needs no bpf-to-bpf calls (and none of their kernel-version rules) and lets constant
 * arguments fold; its cost is code size. A method that calls itself, directly or through others,
 * would inline forever: that is {@link DiagnosticId#Recursion}. The callee's locals share the
 * program's 512-byte stack, below the caller's, and are freed when the call ends.
 */
final class InlineCalls {
  private final StatementCompiler statements;
  private final ExpressionCompiler exprs;
  private final Deque<MethodTree> active = new ArrayDeque<>();

  InlineCalls(StatementCompiler statements, ExpressionCompiler exprs) {
    this.statements = statements;
    this.exprs = exprs;
  }

  /** The program method: the bottom of the call chain, for recursion checks. */
  void enterProgram(MethodTree program) {
    active.push(program);
  }

  /**
   * Inlines {@code inv}: a scalar result ends in r0; a record result is built at {@code
   * recordTarget} (an offset from r10 the caller reserved).
   */
  void inline(MethodInvocationTree inv, CallResolver.Inline callee, int recordTarget) {
    MethodTree method = callee.method();
    if (active.contains(method)) {
      throw recursion(inv, method);
    }
    exprs.temps.spillAll(inv); // the body's statements must not move the caller's temporaries
    SourcePos callerLine = exprs.out.position();
    exprs.frame.enterScope();
    try {
      List<ExpressionTree> args = new ArrayList<>(inv.getArguments());
      List<Object> bound = bindArguments(args, callee);
      Label exit = exprs.out.newLabel("ret_" + method.getName());
      String contextName = null;
      List<Integer> slots = new ArrayList<>(); // null for the context
      for (int i = 0; i < args.size(); i++) {
        if (bound.get(i) instanceof Temp t) {
          int slot = exprs.frame.allocate(8, args.get(i));
          exprs.out.store(Size.DW, Register.R10, slot, exprs.use(t, args.get(i)));
          exprs.temps.release(t);
          slots.add(slot);
        } else if (bound.get(i) instanceof Integer offset) {
          slots.add(offset);
        } else {
          contextName = method.getParameters().get(i).getName().toString();
          slots.add(null);
        }
      }
      String callerContext = exprs.names.switchContextName(contextName);
      exprs.frame.enterMethod();
      statements
          .flow()
          .push(
              new Flow.Entry(
                  Flow.Kind.METHOD, null, method, exit, null, callee.type(), recordTarget));
      active.push(method);
      try {
        for (int i = 0; i < args.size(); i++) {
          VariableTree p = method.getParameters().get(i);
          if (slots.get(i) != null) {
            exprs.frame.declareAt(
                p.getName().toString(), callee.parameterTypes().get(i), slots.get(i));
          }
        }
        int errorsBefore = statements.errorCount();
        statements.block(method.getBody());
        if (exprs.out.reachable()
            && callee.type().kind() != JType.Kind.VOID
            && statements.errorCount() == errorsBefore) {
          throw new CompileError(
              DiagnosticId.MissingReturn,
              method,
              "a path through " + method.getName() + " ends without a return.");
        }
        exprs.out.bind(exit);
      } finally {
        active.pop();
        statements.flow().pop();
        exprs.frame.exitScope();
        exprs.names.switchContextName(callerContext);
      }
    } finally {
      exprs.frame.exitScope();
      exprs.out.at(callerLine); // the rest of the caller's statement is the caller's line
    }
  }

  /**
   * Evaluates the arguments left to right: a temporary for each scalar, the offset of a record
   * built in the call's scope, or the context itself (null).
   */
  private List<Object> bindArguments(List<ExpressionTree> args, CallResolver.Inline callee) {
    List<Object> bound = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      JType type = callee.parameterTypes().get(i);
      ExpressionTree arg = args.get(i);
      if (type.kind() == JType.Kind.CONTEXT) {
        if (!exprs.names.isContext(arg)) {
          throw new CompileError(
              DiagnosticId.BadArgument,
              arg,
              "pass the context parameter '"
                  + exprs.names.contextName()
                  + "' itself here: it is the only "
                  + type
                  + " a program has.");
        }
        bound.add(null);
      } else if (type.kind() == JType.Kind.RECORD) {
        int offset = exprs.frame.allocate(type.record().size(), arg);
        exprs.calls().buildRecordInto(arg, type.record(), offset);
        bound.add(offset);
      } else {
        Temp t = exprs.evalAs(arg, type);
        exprs.temps.unpin(t);
        bound.add(t);
      }
    }
    return bound;
  }

  private CompileError recursion(MethodInvocationTree inv, MethodTree method) {
    List<String> cycle = new ArrayList<>();
    boolean inCycle = false;
    for (var it = active.descendingIterator(); it.hasNext(); ) {
      MethodTree m = it.next();
      inCycle |= m == method;
      if (inCycle) {
        cycle.add(m.getName().toString());
      }
    }
    cycle.add(method.getName().toString());
    return new CompileError(
        DiagnosticId.Recursion,
        inv,
        "recursive call: "
            + String.join(" -> ", cycle)
            + ". Calls are inlined, so recursion would never end; write it as a loop with a"
            + " constant bound.");
  }
}
