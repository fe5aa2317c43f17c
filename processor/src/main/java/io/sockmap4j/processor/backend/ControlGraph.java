package io.sockmap4j.processor.backend;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Basic blocks of not-yet-linked code, with register liveness and reachability. A block starts at
 * instruction 0, at every jump target and after every jump or exit; it falls through to the next
 * block unless it ends in {@code ja} or {@code exit}.
 */
final class ControlGraph {
  private final List<PendingInsn> code;
  private final int[] starts;
  private final int[][] successors;

  private ControlGraph(List<PendingInsn> code, int[] starts, int[][] successors) {
    this.code = code;
    this.starts = starts;
    this.successors = successors;
  }

  static ControlGraph of(List<PendingInsn> code) {
    int n = code.size();
    AnalysisWork.visit(n);
    boolean[] leader = new boolean[n + 1];
    leader[0] = true;
    for (int i = 0; i < n; i++) {
      PendingInsn p = code.get(i);
      InsnKind kind = p.insn().kind();
      if (p.target() != null && p.target().isBound()) {
        leader[Math.min(p.target().index(), n)] = true;
      }
      if (kind.isJump() || kind == InsnKind.EXIT) {
        leader[i + 1] = true;
      }
    }
    List<Integer> startList = new ArrayList<>();
    int[] blockOf = new int[n + 1];
    for (int i = 0; i < n; i++) {
      if (leader[i]) {
        startList.add(i);
      }
      blockOf[i] = startList.size() - 1;
    }
    blockOf[n] = -1;
    int[] starts = startList.stream().mapToInt(Integer::intValue).toArray();
    int[][] successors = new int[starts.length][];
    for (int b = 0; b < starts.length; b++) {
      int last = (b + 1 < starts.length ? starts[b + 1] : n) - 1;
      PendingInsn p = code.get(last);
      InsnKind kind = p.insn().kind();
      List<Integer> next = new ArrayList<>(2);
      if (kind != InsnKind.JA && kind != InsnKind.EXIT && last + 1 < n) {
        next.add(blockOf[last + 1]);
      }
      if (p.target() != null && p.target().isBound() && p.target().index() < n) {
        next.add(blockOf[p.target().index()]);
      }
      successors[b] = next.stream().mapToInt(Integer::intValue).toArray();
    }
    return new ControlGraph(code, starts, successors);
  }

  int blockCount() {
    return starts.length;
  }

  int start(int block) {
    return starts[block];
  }

  int end(int block) {
    return block + 1 < starts.length ? starts[block + 1] : code.size();
  }

  /** The blocks control can reach directly from {@code block}. */
  int[] successors(int block) {
    return successors[block];
  }

  /** The block holding instruction {@code index}. */
  int blockOf(int index) {
    int b = Arrays.binarySearch(starts, index);
    return b >= 0 ? b : -b - 2;
  }

  /** Registers live at the end of each block (bit n = rn), by the usual backward fixpoint. */
  int[] liveOut() {
    int blocks = starts.length;
    int[] liveIn = new int[blocks];
    int[] liveOut = new int[blocks];
    boolean changed = true;
    while (changed) {
      changed = false;
      AnalysisWork.visit(code.size());
      for (int b = blocks - 1; b >= 0; b--) {
        int out = 0;
        for (int s : successors[b]) {
          out |= liveIn[s];
        }
        int live = out;
        for (int i = end(b) - 1; i >= start(b); i--) {
          Insn insn = code.get(i).insn();
          live = (live & ~Effects.defMask(insn)) | Effects.useMask(insn);
        }
        if (out != liveOut[b] || live != liveIn[b]) {
          liveOut[b] = out;
          liveIn[b] = live;
          changed = true;
        }
      }
    }
    return liveOut;
  }

  /** Indexes of the instructions in blocks that no path from instruction 0 reaches. */
  List<Integer> unreachableInstructions() {
    boolean[] reached = new boolean[starts.length];
    Deque<Integer> work = new ArrayDeque<>();
    if (starts.length > 0) {
      reached[0] = true;
      work.add(0);
    }
    while (!work.isEmpty()) {
      for (int s : successors[work.poll()]) {
        if (!reached[s]) {
          reached[s] = true;
          work.add(s);
        }
      }
    }
    List<Integer> unreachable = new ArrayList<>();
    for (int b = 0; b < starts.length; b++) {
      if (!reached[b]) {
        for (int i = start(b); i < end(b); i++) {
          unreachable.add(i);
        }
      }
    }
    return unreachable;
  }

  @Override
  public String toString() {
    return "blocks at " + Arrays.toString(starts);
  }
}
