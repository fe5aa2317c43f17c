package io.sockmap4j.processor.frontend;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import io.sockmap4j.processor.backend.AluOp;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import io.sockmap4j.processor.backend.Width;
import io.sockmap4j.processor.frontend.Temps.Temp;
import java.util.Optional;

/**
 * Assignments, compound assignments and {@code ++}/{@code --}, to locals and array elements, with
 * Java's implicit narrowing for {@code byte}, {@code short} and {@code char}.
 */
final class Assignments {

  /** Something a value can be stored in: a local's slot or an array element. */
  interface Place {
    JType type();

    /** A new temporary holding the current value, as its type keeps it in a register. */
    Temp load(Tree at);

    /** Stores {@code value} (already of {@link #type()}); the temporary stays live. */
    void store(Temp value, Tree at);

    /** Frees what locating the place needed (an element's address). */
    void release();
  }

  /** A scalar local: an 8-byte stack slot. */
  private final class LocalPlace implements Place {
    private final Frame.Local local;

    LocalPlace(Frame.Local local) {
      this.local = local;
    }

    @Override
    public JType type() {
      return local.type();
    }

    @Override
    public Temp load(Tree at) {
      Temp t = exprs.temps.acquire(local.type(), at);
      exprs.out.load(Size.DW, exprs.use(t, at), Register.R10, local.offset());
      exprs.temps.unpin(t);
      return t;
    }

    @Override
    public void store(Temp value, Tree at) {
      exprs.out.store(Size.DW, Register.R10, local.offset(), exprs.use(value, at));
      exprs.temps.unpin(value);
    }

    @Override
    public void release() {}
  }

  private final ExpressionCompiler exprs;
  private final ArrayCompiler arrays;

  Assignments(ExpressionCompiler exprs, ArrayCompiler arrays) {
    this.exprs = exprs;
    this.arrays = arrays;
  }

  private Place place(ExpressionTree target) {
    ExpressionTree t = unparen(target);
    if (t instanceof ArrayAccessTree access) {
      return arrays.element(access);
    }
    Frame.Local local = assignable(t);
    if (local.type().kind() == JType.Kind.ARRAY) {
      throw CompileError.unsupported(
          target,
          "assigning the array '" + target + "'",
          "Arrays cannot be reassigned or shared; assign their elements.");
    }
    return new LocalPlace(local);
  }

  private Frame.Local assignable(ExpressionTree target) {
    if (target instanceof IdentifierTree id) {
      Optional<Frame.Local> local = exprs.frame.lookup(id.getName().toString());
      if (local.isPresent()) {
        return local.get();
      }
      throw CompileError.unsupported(
          target,
          "assigning to '" + id + "'",
          "Programs can only assign local variables; fields are read-only (static final"
              + " constants) or maps.");
    }
    throw CompileError.unsupported(
        target,
        "assigning to '" + target + "'",
        "Programs can only assign local variables and array elements.");
  }

  Temp assign(AssignmentTree a) {
    ExpressionTree target = unparen(a.getVariable());
    if (target instanceof IdentifierTree) {
      Frame.Local local = assignable(target);
      if (local.type().kind() == JType.Kind.RECORD) {
        exprs.calls().buildRecordInto(a.getExpression(), local.type().record(), local.offset());
        return null;
      }
    }
    Place place = place(target);
    Temp v = exprs.evalAs(a.getExpression(), place.type());
    place.store(v, a);
    place.release();
    return v;
  }

  Temp compoundAssign(CompoundAssignmentTree ca) {
    Place place = place(ca.getVariable());
    JType varType = place.type();
    Tree.Kind kind = ExpressionCompiler.binaryKindOf(ca.getKind());
    boolean shift =
        kind == Tree.Kind.LEFT_SHIFT
            || kind == Tree.Kind.RIGHT_SHIFT
            || kind == Tree.Kind.UNSIGNED_RIGHT_SHIFT;
    JType rightType = exprs.typer.typeOf(ca.getExpression());
    if (!varType.isNumeric() && !(varType.isBoolean() && rightType.isBoolean())) {
      throw CompileError.unsupported(ca, "compound assignment to a " + varType, "");
    }
    JType opType =
        varType.isBoolean()
            ? JType.BOOLEAN
            : shift ? varType.promoted() : JType.promote(varType, rightType);
    Temp t = place.load(ca);
    t = exprs.convert(t, opType, ca);
    t = exprs.applyBinary(kind, opType, t, ca.getExpression(), shift, ca);
    t = exprs.convert(t, varType, ca);
    place.store(t, ca);
    place.release();
    return t;
  }

  Temp increment(UnaryTree u) {
    Place place = place(u.getExpression());
    JType type = place.type();
    if (!type.isNumeric()) {
      throw CompileError.unsupported(u, "++/-- on a " + type, "");
    }
    boolean up =
        u.getKind() == Tree.Kind.PREFIX_INCREMENT || u.getKind() == Tree.Kind.POSTFIX_INCREMENT;
    boolean postfix =
        u.getKind() == Tree.Kind.POSTFIX_INCREMENT || u.getKind() == Tree.Kind.POSTFIX_DECREMENT;
    Temp updated = exprs.temps.retype(place.load(u), type.promoted());
    Register r = exprs.use(updated, u);
    Temp old = null;
    if (postfix) {
      old = exprs.temps.acquire(type, u);
      exprs.out.mov(Width.W64, exprs.use(old, u), r);
      exprs.temps.unpin(old);
    }
    exprs.out.aluImm(ExpressionCompiler.width(type), AluOp.ADD, r, up ? 1 : -1);
    exprs.temps.unpin(updated);
    updated = exprs.convert(updated, type, u);
    place.store(updated, u);
    place.release();
    if (postfix) {
      exprs.temps.release(updated);
      return old;
    }
    return updated;
  }

  private static ExpressionTree unparen(ExpressionTree e) {
    while (e instanceof ParenthesizedTree p) {
      e = p.getExpression();
    }
    return e;
  }
}
