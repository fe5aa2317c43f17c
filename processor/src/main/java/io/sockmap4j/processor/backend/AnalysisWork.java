package io.sockmap4j.processor.backend;

/**
 * How many instructions the optimiser's analyses have visited on this thread: a deterministic
 * measure of its cost, unlike time on a shared machine. Tests compile programs of growing size and
 * check that this grows linearly; a pass that re-analyses the whole program after every small
 * change shows up as quadratic growth here long before anyone notices it in compile times.
 *
 * <p>Counted: building a {@link ControlGraph}, each round of the liveness fixpoints, and the
 * instruction-by-instruction scans of {@link Coalescing}. A thread-local, because javac may run
 * annotation processors for several compilations at once in one JVM (a build daemon).
 */
final class AnalysisWork {
  private static final ThreadLocal<long[]> VISITED = ThreadLocal.withInitial(() -> new long[1]);

  private AnalysisWork() {}

  /** Records that an analysis visited {@code instructions} more instructions. */
  static void visit(int instructions) {
    VISITED.get()[0] += instructions;
  }

  /** Instructions visited on this thread so far. */
  static long visited() {
    return VISITED.get()[0];
  }
}
