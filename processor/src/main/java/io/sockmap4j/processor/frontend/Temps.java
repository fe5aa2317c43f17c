package io.sockmap4j.processor.frontend;

import com.sun.source.tree.Tree;
import io.sockmap4j.processor.backend.Register;
import io.sockmap4j.processor.backend.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * Expression temporaries in the callee-saved registers r7-r9, so that values survive helper calls
 * (which clobber r0-r5); r6 holds the context. When all three are busy the oldest unpinned
 * temporary is spilled to a stack slot and reloaded when next used.
 *
 * <p>Invariant at control flow: code that branches inside an expression first calls {@link
 * #spillAll()}, so every live temporary is in the same place (memory) on every path.
 */
final class Temps {
  private static final Register[] POOL = {Register.R7, Register.R8, Register.R9};

  /** A value being computed: in a register, or spilled to the stack. */
  static final class Temp {
    private Register register;
    private int spillOffset;
    private boolean pinned;
    private final JType type;

    private Temp(JType type) {
      this.type = type;
    }

    JType type() {
      return type;
    }
  }

  private final Emitter out;
  private final Frame frame;
  private final List<Temp> live = new ArrayList<>();

  Temps(Emitter out, Frame frame) {
    this.out = out;
    this.frame = frame;
  }

  /** A new temporary with a register of its own. */
  Temp acquire(JType type, Tree at) {
    Temp temp = new Temp(type);
    temp.register = freeRegister(at);
    live.add(temp);
    return temp;
  }

  /** The temporary's register, reloading it if it was spilled; the register stays pinned. */
  Register use(Temp temp, Tree at) {
    if (temp.register == null) {
      temp.pinned = true;
      Register reg = freeRegister(at);
      out.load(Size.DW, reg, Register.R10, temp.spillOffset);
      temp.register = reg;
    }
    temp.pinned = true;
    return temp.register;
  }

  /** Lets the temporary be spilled again. */
  void unpin(Temp temp) {
    temp.pinned = false;
  }

  void release(Temp temp) {
    live.remove(temp);
  }

  /** A temporary with the same value but a new type (after a conversion in place). */
  Temp retype(Temp temp, JType type) {
    Temp copy = new Temp(type);
    copy.register = temp.register;
    copy.spillOffset = temp.spillOffset;
    copy.pinned = temp.pinned;
    live.set(live.indexOf(temp), copy);
    return copy;
  }

  /** Spills every live unpinned temporary, so that branches see one consistent state. */
  void spillAll(Tree at) {
    for (Temp temp : live) {
      if (temp.register != null && !temp.pinned) {
        spill(temp, at);
      }
    }
  }

  /**
   * The live temporaries now, for {@link #restore} after a statement inside an expression fails.
   */
  List<Temp> snapshot() {
    return List.copyOf(live);
  }

  /**
   * Forgets the temporaries acquired since {@code snapshot}: after an error in a statement, whose
   * code is discarded anyway, while the expression around it (an inlined call's caller) goes on.
   */
  void restore(List<Temp> snapshot) {
    live.retainAll(snapshot);
    for (Temp t : live) {
      t.pinned = false;
    }
  }

  boolean isEmpty() {
    return live.isEmpty();
  }

  private Register freeRegister(Tree at) {
    for (Register candidate : POOL) {
      if (live.stream().noneMatch(t -> t.register == candidate)) {
        return candidate;
      }
    }
    for (Temp victim : live) {
      if (victim.register != null && !victim.pinned) {
        Register reg = victim.register;
        spill(victim, at);
        return reg;
      }
    }
    throw new IllegalStateException("all expression registers are pinned");
  }

  private void spill(Temp temp, Tree at) {
    if (temp.spillOffset == 0) {
      temp.spillOffset = frame.allocate(8, at);
    }
    out.store(Size.DW, Register.R10, temp.spillOffset, temp.register);
    temp.register = null;
  }
}
