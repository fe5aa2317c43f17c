package io.sockmap4j.processor.frontend;

import com.sun.source.tree.Tree;
import io.sockmap4j.processor.diag.DiagnosticId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The program's stack frame and its block scopes. Locals, key structs, arrays and register spills
 * get slots below r10; the kernel allows 512 bytes per program, and exceeding it is a compile error
 * at the declaration that did not fit, not a verifier rejection at load time. Inlined methods share
 * the frame (their locals lie below the caller's), and a scope's slots are reused once it ends, so
 * the limit applies to the deepest nesting of live locals, not to their total.
 *
 * <pre>
 *   r10 (read-only frame pointer) ->  +------------------+
 *                                      | slot at -8       |  8-byte aligned slots, growing down
 *                                      | slot at -16 ...  |
 *   r10 - 512                      ->  +------------------+
 * </pre>
 */
final class Frame {
  static final int MAX_STACK = 512;

  /** A local variable: its stack offset from r10 and its type. */
  record Local(String name, int offset, JType type) {}

  /** Stands for a local whose declaration was an error. */
  private static final Local BROKEN = new Local("<broken>", 0, null);

  /** One block scope: its locals, the stack depth at its start, and whether it hides outer ones. */
  private record Scope(Map<String, Local> locals, int usedAtEntry, boolean barrier) {}

  private final Deque<Scope> scopes = new ArrayDeque<>();
  private int used;
  private int peak;

  Frame() {
    scopes.push(new Scope(new HashMap<>(), 0, false));
  }

  void enterScope() {
    scopes.push(new Scope(new HashMap<>(), used, false));
  }

  /**
   * Enters the body of an inlined method: its locals are a fresh namespace, so lookups stop here
   * and never see the caller's locals. Its stack lies below the caller's, in the same 512 bytes.
   */
  void enterMethod() {
    scopes.push(new Scope(new HashMap<>(), used, true));
  }

  /**
   * Leaves a scope and frees the stack it reserved, for the next scope to reuse. Callers make sure
   * nothing allocated inside outlives it: statements leave no temporaries, and code that compiles
   * statements inside an expression spills the live temporaries first (their slots then lie outside
   * the scope).
   */
  void exitScope() {
    used = scopes.pop().usedAtEntry();
  }

  /**
   * The local {@code name} in the innermost scope that has it. A local whose declaration failed
   * throws a {@linkplain CompileError#isFollowOn() follow-on} error, so that its uses are not
   * reported as unknown names on top of the error already reported at the declaration.
   */
  Optional<Local> lookup(String name) {
    for (Scope scope : scopes) {
      Local local = scope.locals().get(name);
      if (local == BROKEN) {
        throw CompileError.followOn(name);
      }
      if (local != null) {
        return Optional.of(local);
      }
      if (scope.barrier()) {
        break;
      }
    }
    return Optional.empty();
  }

  /** Records that the declaration of {@code name} failed (and was reported). */
  void declareBroken(String name) {
    scopes.peek().locals().put(name, BROKEN);
  }

  Local declare(String name, JType type, Tree at) {
    Local local = new Local(name, allocate(type.stackSize(), at), type);
    scopes.peek().locals().put(name, local);
    return local;
  }

  /** Declares a local whose storage was reserved earlier with {@link #allocate}. */
  Local declareAt(String name, JType type, int offset) {
    Local local = new Local(name, offset, type);
    scopes.peek().locals().put(name, local);
    return local;
  }

  /** Reserves {@code size} bytes (rounded up to 8, 8-aligned); returns the offset from r10. */
  int allocate(int size, Tree at) {
    int rounded = (size + 7) & ~7;
    if (used + rounded > MAX_STACK) {
      throw new CompileError(
          DiagnosticId.StackOverflow,
          at,
          "this program needs more than the kernel's "
              + MAX_STACK
              + " bytes of stack ("
              + (used + rounded)
              + " bytes of locals, keys and spills so far). Use fewer or smaller local"
              + " variables and record keys.");
    }
    used += rounded;
    peak = Math.max(peak, used);
    return -used;
  }

  /** The deepest the stack has been so far. */
  int bytesUsed() {
    return peak;
  }
}
