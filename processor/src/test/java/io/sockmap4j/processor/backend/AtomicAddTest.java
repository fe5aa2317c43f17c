package io.sockmap4j.processor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The atomic add state maps count with: its encoding ({@code BPF_STX | BPF_ATOMIC | size}, imm
 * {@code BPF_ADD}, the kernel's old {@code BPF_XADD}), its listing, the checker's rules, and that
 * the optimiser neither drops it nor forwards a stored value across it.
 */
class AtomicAddTest {

  @Test
  void encodesAsStxAtomicWithAddInTheImmediate() {
    Assembler a = new Assembler();
    a.atomicAdd(Size.DW, Register.R0, 8, Register.R7);
    a.atomicAdd(Size.W, Register.R1, -4, Register.R2);
    a.exit();
    Program p = a.link();

    assertEquals(
        "db 70 08 00 00 00 00 00 | c3 21 fc ff 00 00 00 00 | 95 00 00 00 00 00 00 00",
        HexBytes.format(p.encode()));
    String listing = Printer.print(p);
    assertTrue(listing.contains("lock *(u64 *)(r0 +8) += r7"), listing);
    assertTrue(listing.contains("lock *(u32 *)(r1 -4) += r2"), listing);
    assertEquals(InsnKind.ATOMIC_ADD, Program.decode(p.encode()).instructions().get(0).kind());
  }

  @Test
  void bytesAndHalvesHaveNoAtomicAdd() {
    Assembler a = new Assembler();
    assertThrows(
        IllegalArgumentException.class, () -> a.atomicAdd(Size.H, Register.R0, 0, Register.R1));
    assertEquals(InsnKind.INVALID, InsnKind.of(Opcode.atomic(Size.B)));
  }

  @Test
  void theCheckerAcceptsAddOnlyAndChecksStackBounds() {
    Program other =
        Program.of(
            List.of(
                new Insn(Opcode.atomic(Size.DW), Register.R0, Register.R1, (short) 0, 0x01),
                new Insn(Opcode.atomic(Size.DW), Register.R10, Register.R1, (short) 0, 0),
                new Insn(Opcode.EXIT, Register.R0, Register.R0, (short) 0, 0)),
            List.of(),
            List.of());

    assertEquals(
        List.of(
            "slot 0: `lock *(u64 *)(r0 +0) += r1` has atomic operation 1; only add (0) without"
                + " fetch is emitted",
            "slot 1: `lock *(u64 *)(r10 +0) += r1` accesses 8 bytes at r10 +0, outside the"
                + " 512-byte stack (r10 -512 to r10 -1)"),
        Checker.check(other));
  }

  /** {@code r7} feeds the add, so the copy into it must survive; the add itself is a store. */
  @Test
  void theOptimiserKeepsTheAddAndItsOperands() {
    Assembler a = new Assembler();
    a.movImm(Width.W64, Register.R7, 5);
    a.store(Size.DW, Register.R10, -8, Register.R7);
    a.mov(Width.W64, Register.R2, Register.R10);
    a.aluImm(Width.W64, AluOp.ADD, Register.R2, -8);
    a.loadMap(Register.R1, "m");
    a.call(Helper.MAP_LOOKUP_ELEM);
    Label absent = a.newLabel("absent");
    a.jumpIfImm(Width.W64, JumpOp.JEQ, Register.R0, 0, absent);
    a.atomicAdd(Size.DW, Register.R0, 0, Register.R7);
    a.bind(absent);
    a.movImm(Width.W64, Register.R0, 0);
    a.exit();
    a.optimize();
    String listing = Printer.print(a.link());

    assertTrue(listing.contains("lock *(u64 *)(r0 +0) += r7"), listing);
    assertTrue(listing.contains("r7 = 5"), listing);
  }
}
