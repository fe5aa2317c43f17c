package io.sockmap4j.processor.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Emits eBPF instructions with symbolic jump targets, then links them into a {@link Program}.
 *
 * <p>The frontend calls one method per instruction, in program order, the way OW2 ASM's {@code
 * MethodVisitor} is driven:
 *
 * <pre>{@code
 * Label drop = asm.newLabel("drop");
 * asm.at(new SourcePos(12, 5));
 * asm.load(Size.W, Register.R2, Register.R1, 0);        // r2 = *(u32 *)(r1 +0)
 * asm.jumpIfImm(Width.W64, JumpOp.JLT, Register.R2, 4, drop);
 * asm.movImm(Width.W64, Register.R0, 1);
 * asm.exit();
 * asm.bind(drop);
 * asm.movImm(Width.W64, Register.R0, 0);
 * asm.exit();
 * Program program = asm.link();
 * }</pre>
 *
 * <p>The assembler encodes what it is told: rules the verifier enforces but the encoding can
 * express (writes to r10, shifts past the width, division by a constant 0, unreachable code) are
 * reported by {@link Checker}, not here. Arguments that have no encoding at all (an offset beyond
 * 16 bits, a byte swap of 8 bits) throw {@link IllegalArgumentException} at once. After {@link
 * #link()} the assembler is spent. Not thread-safe.
 */
public final class Assembler {
  private final List<PendingInsn> code = new ArrayList<>();
  private final List<Label> labels = new ArrayList<>();
  private final List<StackRange> escapes = new ArrayList<>();
  private SourcePos pos;
  private boolean linked;

  /** An empty assembler. */
  public Assembler() {}

  /**
   * A new, unbound label.
   *
   * @param hint a debug name such as {@code "else"}; a number is appended to make it unique
   */
  public Label newLabel(String hint) {
    checkOpen();
    String base = hint == null || hint.isBlank() ? "L" : hint;
    Label label = new Label(this, base + "#" + labels.size());
    labels.add(label);
    return label;
  }

  /**
   * Binds {@code label} to the current position: jumps to it land on the next instruction emitted.
   *
   * @throws IllegalStateException if the label is already bound
   * @throws IllegalArgumentException if the label belongs to another assembler
   */
  public void bind(Label label) {
    checkOpen();
    checkOwned(label);
    if (label.isBound()) {
      throw new IllegalStateException(
          "label " + label.name() + " is already bound at instruction " + label.index());
    }
    label.bindTo(code.size());
  }

  /** Sets the source position of the instructions emitted from now on; null means none. */
  public void at(SourcePos pos) {
    checkOpen();
    this.pos = pos;
  }

  /** {@code dst op= src}. Use {@link #neg} for negation. */
  public void alu(Width w, AluOp op, Register dst, Register src) {
    checkNotNeg(op);
    emit(new Insn(Opcode.alu(w, op, true), dst, src, (short) 0, 0));
  }

  /** {@code dst op= imm}; the immediate is sign-extended to 64 bits for {@link Width#W64}. */
  public void aluImm(Width w, AluOp op, Register dst, int imm) {
    checkNotNeg(op);
    emit(new Insn(Opcode.alu(w, op, false), dst, Register.R0, (short) 0, imm));
  }

  /** {@code dst = -dst}. */
  public void neg(Width w, Register dst) {
    emit(new Insn(Opcode.alu(w, AluOp.NEG, false), dst, Register.R0, (short) 0, 0));
  }

  /** {@code dst = src}; the 32-bit form zero-extends. */
  public void mov(Width w, Register dst, Register src) {
    alu(w, AluOp.MOV, dst, src);
  }

  /** {@code dst = imm}; the 64-bit form sign-extends, the 32-bit form zero-extends. */
  public void movImm(Width w, Register dst, int imm) {
    aluImm(w, AluOp.MOV, dst, imm);
  }

  /** {@code dst = value}, as a two-slot {@code ld_imm64}. */
  public void loadImm64(Register dst, long value) {
    emit(new Insn(Opcode.LD_IMM64, dst, Register.R0, (short) 0, value));
  }

  /**
   * {@code dst = &map}: an {@code ld_imm64} with {@code src_reg = BPF_PSEUDO_MAP_FD} and immediate
   * 0, recorded as a {@link Relocation} so the loader can patch in the map's fd.
   */
  public void loadMap(Register dst, String mapName) {
    Objects.requireNonNull(mapName, "mapName");
    if (mapName.isEmpty()) {
      throw new IllegalArgumentException("map name must not be empty");
    }
    Register pseudoMapFd = Register.of(Opcode.PSEUDO_MAP_FD);
    emit(new Insn(Opcode.LD_IMM64, dst, pseudoMapFd, (short) 0, 0), null, mapName);
  }

  /**
   * {@code dst = be<bits> dst}: converts the low {@code bits} of {@code dst} from host to network
   * order ({@code BPF_ALU | BPF_END | BPF_TO_BE}), a byte swap on little-endian hosts; the upper
   * bits are cleared for 16 and 32.
   *
   * @throws IllegalArgumentException unless {@code bits} is 16, 32 or 64
   */
  public void toBigEndian(Register dst, int bits) {
    if (bits != 16 && bits != 32 && bits != 64) {
      throw new IllegalArgumentException(
          "byte order conversion takes 16, 32 or 64 bits, not " + bits);
    }
    emit(new Insn(Opcode.byteSwap(true), dst, Register.R0, (short) 0, bits));
  }

  /** {@code dst = *(size *)(base + off)}. */
  public void load(Size size, Register dst, Register base, int off) {
    emit(new Insn(Opcode.load(size), dst, base, offset(off), 0));
  }

  /** {@code *(size *)(base + off) = src}. */
  public void store(Size size, Register base, int off, Register src) {
    emit(new Insn(Opcode.store(size), base, src, offset(off), 0));
  }

  /** {@code *(size *)(base + off) = imm}; a {@link Size#DW} store sign-extends the immediate. */
  public void storeImm(Size size, Register base, int off, int imm) {
    emit(new Insn(Opcode.storeImm(size), base, Register.R0, offset(off), imm));
  }

  /**
   * {@code lock *(size *)(base + off) += src}: an atomic add to memory ({@code BPF_STX |
   * BPF_ATOMIC}, formerly {@code BPF_XADD}), 32 or 64 bits. Programs on several CPUs may add to the
   * same map value at once; none of their additions is lost.
   *
   * @throws IllegalArgumentException for sizes other than {@link Size#W} and {@link Size#DW}
   */
  public void atomicAdd(Size size, Register base, int off, Register src) {
    if (size != Size.W && size != Size.DW) {
      throw new IllegalArgumentException("atomic add takes 32 or 64 bits, not " + size);
    }
    emit(new Insn(Opcode.atomic(size), base, src, offset(off), Opcode.ATOMIC_ADD));
  }

  /** {@code goto target}. */
  public void jump(Label target) {
    emitJump(new Insn(Opcode.JA, Register.R0, Register.R0, (short) 0, 0), target);
  }

  /** {@code if a op b goto target}; {@link Width#W32} compares the low halves (kernel 5.1). */
  public void jumpIf(Width w, JumpOp op, Register a, Register b, Label target) {
    emitJump(new Insn(Opcode.jump(w, op, true), a, b, (short) 0, 0), target);
  }

  /**
   * {@code if a op imm goto target}; the immediate is sign-extended to the width, also for the
   * unsigned comparisons.
   */
  public void jumpIfImm(Width w, JumpOp op, Register a, int imm, Label target) {
    emitJump(new Insn(Opcode.jump(w, op, false), a, Register.R0, (short) 0, imm), target);
  }

  /** {@code call helper}: arguments in r1 to r5, result in r0; r1 to r5 are clobbered. */
  public void call(Helper helper) {
    emit(new Insn(Opcode.CALL, Register.R0, Register.R0, (short) 0, helper.id()));
  }

  /** {@code exit}: returns r0. */
  public void exit() {
    emit(new Insn(Opcode.EXIT, Register.R0, Register.R0, (short) 0, 0));
  }

  /**
   * {@code dst = r10 + off}: the address of a stack object of {@code size} bytes, to hand to a
   * helper. Taking addresses this way (rather than copying r10 by hand) tells the optimiser which
   * stack bytes a helper may read or write; a program that copies r10 otherwise gets no stack-slot
   * optimisation.
   */
  public void addressOf(Register dst, int off, int size) {
    escapes.add(new StackRange(off, size));
    mov(Width.W64, dst, Register.R10);
    aluImm(Width.W64, AluOp.ADD, dst, off);
  }

  /** The number of logical instructions emitted so far ({@code ld_imm64} counts once). */
  public int position() {
    return code.size();
  }

  /**
   * Removes what the emitted code computes without need: redundant copies, reloads of values still
   * in a register, instructions whose results are never read, jumps to the next instruction or to
   * another jump, and code that becomes unreachable. Labels move with the code. See {@code
   * Optimizer} for the passes and why each is safe.
   */
  public void optimize() {
    checkOpen();
    Optimizer.optimize(code, labels, escapes, () -> newLabel("tail"));
  }

  /**
   * Resolves every jump and returns the program. The assembler cannot be used afterwards, also when
   * linking fails.
   *
   * @throws LinkException naming every label that is jumped to but never bound, and every jump
   *     beyond the 16-bit offset range
   */
  public Program link() {
    checkOpen();
    linked = true;
    return Linker.link(code, labels);
  }

  private void emit(Insn insn) {
    emit(insn, null, null);
  }

  private void emitJump(Insn insn, Label target) {
    Objects.requireNonNull(target, "target");
    checkOwned(target);
    emit(insn, target, null);
  }

  private void emit(Insn insn, Label target, String mapName) {
    checkOpen();
    code.add(new PendingInsn(insn, target, pos, mapName));
  }

  private void checkOpen() {
    if (linked) {
      throw new IllegalStateException("the assembler has been linked and cannot be used again");
    }
  }

  private void checkOwned(Label label) {
    if (label.owner() != this) {
      throw new IllegalArgumentException("label " + label.name() + " belongs to another assembler");
    }
  }

  private static void checkNotNeg(AluOp op) {
    if (op == AluOp.NEG) {
      throw new IllegalArgumentException("NEG has no second operand: use neg(width, dst)");
    }
  }

  private static short offset(int off) {
    if (off != (short) off) {
      throw new IllegalArgumentException("memory offset " + off + " does not fit in 16 bits");
    }
    return (short) off;
  }
}
