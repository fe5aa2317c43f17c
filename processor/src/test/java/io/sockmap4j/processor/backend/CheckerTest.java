package io.sockmap4j.processor.backend;

import static io.sockmap4j.processor.backend.Register.R0;
import static io.sockmap4j.processor.backend.Register.R1;
import static io.sockmap4j.processor.backend.Register.R10;
import static io.sockmap4j.processor.backend.Register.R2;
import static io.sockmap4j.processor.backend.Register.R6;
import static io.sockmap4j.processor.backend.Width.W32;
import static io.sockmap4j.processor.backend.Width.W64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** One test per rule: a program that breaks it and one that does not. */
class CheckerTest {
  private static final Insn EXIT = insn(Opcode.EXIT, R0, R0, 0, 0);
  private static final Insn R0_IS_0 = insn(Opcode.alu(W64, AluOp.MOV, false), R0, R0, 0, 0);

  @Test
  void aRealisticProgramIsFine() {
    Assembler asm = new Assembler();
    Label drop = asm.newLabel("drop");
    asm.mov(W64, R6, R1);
    asm.load(Size.W, R2, R6, 68);
    asm.jumpIfImm(W32, JumpOp.JLT, R2, 4, drop);
    asm.storeImm(Size.W, R10, -4, 7);
    asm.mov(W64, R2, R10);
    asm.aluImm(W64, AluOp.ADD, R2, -4);
    asm.loadMap(R1, "sockets");
    asm.call(Helper.MAP_LOOKUP_ELEM);
    asm.jumpIfImm(W64, JumpOp.JEQ, R0, 0, drop);
    asm.movImm(W64, R0, 1);
    asm.exit();
    asm.bind(drop);
    asm.movImm(W64, R0, 0);
    asm.exit();
    Program program = asm.link();

    assertEquals(List.of(), Checker.check(program));
    assertEquals(List.of(), Checker.checkEncoded(program.encode()));
  }

  @Test
  void jumpTargetsMustLieInsideTheProgram() {
    Program past =
        assemble(
            a -> {
              Label end = a.newLabel("end");
              a.jumpIfImm(W64, JumpOp.JEQ, R1, 0, end);
              a.movImm(W64, R0, 0);
              a.exit();
              a.bind(end);
            });
    Program before =
        Program.of(List.of(insn(Opcode.JA, R0, R0, -2, 0), EXIT), List.of(), List.of());
    Program inside =
        assemble(
            a -> {
              Label end = a.newLabel("end");
              a.jumpIfImm(W64, JumpOp.JEQ, R1, 0, end);
              a.movImm(W64, R0, 0);
              a.bind(end);
              a.exit();
            });

    assertEquals(
        List.of("slot 0: jumps to slot 3, outside the program (slots 0 to 2)"),
        Checker.check(past));
    assertEquals(
        List.of(
            "slot 0: jumps to slot -1, outside the program (slots 0 to 1)",
            "slot 1: unreachable from slot 0 (slot 1)"),
        Checker.check(before));
    assertEquals(List.of(), Checker.check(inside));
  }

  @Test
  void jumpsMustNotLandInTheMiddleOfLdImm64() {
    Insn ldImm64 = insn(Opcode.LD_IMM64, R2, R0, 0, 5);

    Program middle = rawProgram(jumpIfR1IsZero(1), ldImm64, EXIT);
    Program after = rawProgram(jumpIfR1IsZero(2), ldImm64, EXIT);

    assertEquals(
        List.of("slot 0: jumps to slot 2, the second half of the ld_imm64 at slot 1"),
        Checker.check(middle));
    assertEquals(List.of(), Checker.check(after));
  }

  @Test
  void everyInstructionMustBeReachable() {
    Program deadCode =
        assemble(
            a -> {
              a.movImm(W64, R0, 0);
              a.exit();
              a.loadImm64(R0, 1);
              a.exit();
            });
    Program afterGoto =
        assemble(
            a -> {
              Label end = a.newLabel("end");
              a.movImm(W64, R0, 0);
              a.jump(end);
              a.movImm(W64, R0, 1);
              a.bind(end);
              a.exit();
            });
    Program reachedByJump =
        assemble(
            a -> {
              Label other = a.newLabel("other");
              a.movImm(W64, R0, 0);
              a.jumpIfImm(W64, JumpOp.JEQ, R1, 0, other);
              a.exit();
              a.bind(other);
              a.movImm(W64, R0, 1);
              a.exit();
            });

    assertEquals(
        List.of("slot 2: unreachable from slot 0 (slots 2 to 4)"), Checker.check(deadCode));
    assertEquals(List.of("slot 2: unreachable from slot 0 (slot 2)"), Checker.check(afterGoto));
    assertEquals(List.of(), Checker.check(reachedByJump));
  }

  @Test
  void theLastInstructionMustBeExitOrGoto() {
    Program noExit = assemble(a -> a.movImm(W64, R0, 0));
    Program endsInConditional =
        assemble(
            a -> {
              Label top = a.newLabel("top");
              a.bind(top);
              a.movImm(W64, R0, 0);
              a.jumpIfImm(W64, JumpOp.JEQ, R1, 0, top);
            });
    Program endsInGoto =
        rawProgram(R0_IS_0, jumpIfR1IsZero(1), EXIT, insn(Opcode.JA, R0, R0, -2, 0));

    assertEquals(
        List.of("slot 0: the last instruction must be exit or goto, or execution runs off the end"),
        Checker.check(noExit));
    assertEquals(
        List.of("slot 1: the last instruction must be exit or goto, or execution runs off the end"),
        Checker.check(endsInConditional));
    assertEquals(List.of(), Checker.check(endsInGoto));
  }

  @Test
  void theFramePointerIsNeverWritten() {
    Program writes =
        assemble(
            a -> {
              a.mov(W64, R10, R1);
              a.aluImm(W32, AluOp.ADD, R10, 8);
              a.neg(W64, R10);
              a.toBigEndian(R10, 16);
              a.loadImm64(R10, 0);
              a.load(Size.DW, R10, R1, 0);
              a.exit();
            });
    Program reads =
        assemble(
            a -> {
              a.mov(W64, R1, R10);
              a.store(Size.DW, R10, -8, R1);
              a.storeImm(Size.DW, R10, -16, 0);
              a.load(Size.DW, R0, R10, -8);
              a.exit();
            });

    assertEquals(
        List.of(
            "slot 0: `r10 = r1` writes r10, the read-only frame pointer",
            "slot 1: `w10 += 8` writes r10, the read-only frame pointer",
            "slot 2: `r10 = -r10` writes r10, the read-only frame pointer",
            "slot 3: `r10 = be16 r10` writes r10, the read-only frame pointer",
            "slot 4: `r10 = 0x0 ll` writes r10, the read-only frame pointer",
            "slot 6: `r10 = *(u64 *)(r1 +0)` writes r10, the read-only frame pointer"),
        Checker.check(writes));
    assertEquals(List.of(), Checker.check(reads));
  }

  @Test
  void registersAboveR10AreRefusedInEncodedPrograms() {
    byte[] r11 = HexBytes.parse("b7 0b 00 00 00 00 00 00 | 95 00 00 00 00 00 00 00");
    byte[] r15 = HexBytes.parse("bf f0 00 00 00 00 00 00 | 95 00 00 00 00 00 00 00");
    byte[] r10 = HexBytes.parse("bf a0 00 00 00 00 00 00 | 95 00 00 00 00 00 00 00");

    assertEquals(
        List.of("slot 0: dst_reg is r11, but only r0 to r10 exist"), Checker.checkEncoded(r11));
    assertEquals(
        List.of("slot 0: src_reg is r15, but only r0 to r10 exist"), Checker.checkEncoded(r15));
    assertEquals(List.of(), Checker.checkEncoded(r10));
    assertThrows(IllegalArgumentException.class, () -> Program.decode(r11));
  }

  @Test
  void immediateShiftsStayWithinTheWidth() {
    Program tooFar =
        assemble(
            a -> {
              a.movImm(W64, R0, 1);
              a.aluImm(W32, AluOp.LSH, R0, 32);
              a.aluImm(W64, AluOp.RSH, R0, 64);
              a.aluImm(W64, AluOp.ARSH, R0, -1);
              a.exit();
            });
    Program within =
        assemble(
            a -> {
              a.movImm(W64, R0, 1);
              a.aluImm(W32, AluOp.LSH, R0, 31);
              a.aluImm(W64, AluOp.RSH, R0, 63);
              a.aluImm(W64, AluOp.ARSH, R0, 0);
              a.aluImm(W64, AluOp.ADD, R0, 64);
              a.alu(W32, AluOp.LSH, R0, R1);
              a.exit();
            });

    assertEquals(
        List.of(
            "slot 1: `w0 <<= 32` shifts by 32; a 32-bit shift takes 0 to 31",
            "slot 2: `r0 >>= 64` shifts by 64; a 64-bit shift takes 0 to 63",
            "slot 3: `r0 s>>= -1` shifts by -1; a 64-bit shift takes 0 to 63"),
        Checker.check(tooFar));
    assertEquals(List.of(), Checker.check(within));
  }

  @Test
  void divisionByTheConstantZeroIsRefused() {
    Program byZero =
        assemble(
            a -> {
              a.movImm(W64, R0, 1);
              a.aluImm(W64, AluOp.DIV, R0, 0);
              a.aluImm(W32, AluOp.MOD, R0, 0);
              a.exit();
            });
    Program byOthers =
        assemble(
            a -> {
              a.movImm(W64, R0, 1);
              a.aluImm(W64, AluOp.DIV, R0, 1);
              a.aluImm(W32, AluOp.MOD, R0, -1);
              a.alu(W64, AluOp.DIV, R0, R1);
              a.aluImm(W64, AluOp.MUL, R0, 0);
              a.exit();
            });

    assertEquals(
        List.of(
            "slot 1: `r0 /= 0` divides by the constant 0, which the verifier refuses",
            "slot 2: `w0 %= 0` divides by the constant 0, which the verifier refuses"),
        Checker.check(byZero));
    assertEquals(List.of(), Checker.check(byOthers));
  }

  @Test
  void stackAccessesStayInsideTheFrame() {
    Program outside =
        assemble(
            a -> {
              a.store(Size.DW, R10, -520, R1);
              a.store(Size.DW, R10, -4, R1);
              a.storeImm(Size.B, R10, 0, 1);
              a.load(Size.W, R0, R10, 8);
              a.store(Size.W, R10, -6, R1);
              a.exit();
            });
    Program inside =
        assemble(
            a -> {
              a.store(Size.DW, R10, -512, R1);
              a.storeImm(Size.B, R10, -1, 1);
              a.store(Size.H, R10, -2, R1);
              a.load(Size.W, R0, R10, -4);
              a.load(Size.W, R0, R1, 8);
              a.store(Size.DW, R6, 3, R1);
              a.exit();
            });

    assertEquals(
        List.of(
            "slot 0: `*(u64 *)(r10 -520) = r1` accesses 8 bytes at r10 -520, outside the"
                + " 512-byte stack (r10 -512 to r10 -1)",
            "slot 1: `*(u64 *)(r10 -4) = r1` accesses 8 bytes at r10 -4, outside the 512-byte"
                + " stack (r10 -512 to r10 -1)",
            "slot 2: `*(u8 *)(r10 +0) = 1` accesses 1 bytes at r10 +0, outside the 512-byte"
                + " stack (r10 -512 to r10 -1)",
            "slot 3: `r0 = *(u32 *)(r10 +8)` accesses 4 bytes at r10 +8, outside the 512-byte"
                + " stack (r10 -512 to r10 -1)",
            "slot 4: `*(u32 *)(r10 -6) = r1` accesses the stack misaligned: the offset must be a"
                + " multiple of 4"),
        Checker.check(outside));
    assertEquals(List.of(), Checker.check(inside));
  }

  @Test
  void opcodesMustBeValid() {
    Program invalid =
        rawProgram(
            insn(0xff, R0, R0, 0, 0),
            insn(0x20, R0, R0, 0, 12), // BPF_LD | BPF_ABS | BPF_W, legacy packet load
            insn(0xd3, R10, R1, -8, 0), // BPF_STX | BPF_ATOMIC | BPF_B
            insn(0x8f, R1, R2, 0, 0), // BPF_ALU64 | BPF_NEG | BPF_X
            insn(0x0e, R1, R2, 0, 0), // BPF_JMP32 | BPF_JA | BPF_X
            insn(0xd7, R1, R0, 0, 16), // BPF_ALU64 | BPF_END: cpu v4 bswap
            EXIT);
    Program valid = assemble(CheckerTest::everyFormOnce);

    assertEquals(
        List.of(
            "slot 0: `invalid opcode 0xff dst=r0 src=r0 off=0 imm=0` has opcode 0xff (class ALU64):"
                + " it is no eBPF instruction, or a cpu v4 form that needs kernel 6.6",
            "slot 1: `invalid opcode 0x20 dst=r0 src=r0 off=0 imm=12` has opcode 0x20 (class LD):"
                + " only ld_imm64 (0x18) is allowed; legacy packet loads are refused for sockmap"
                + " programs",
            "slot 2: `invalid opcode 0xd3 dst=r10 src=r1 off=-8 imm=0` has opcode 0xd3 (class"
                + " STX): only plain stores (BPF_MEM) and 32- or 64-bit atomic adds are emitted;"
                + " the kernel has no atomics on bytes and halves",
            "slot 3: `invalid opcode 0x8f dst=r1 src=r2 off=0 imm=0` has opcode 0x8f (class"
                + " ALU64): it is no eBPF instruction, or a cpu v4 form that needs kernel 6.6",
            "slot 4: `invalid opcode 0x0e dst=r1 src=r2 off=0 imm=0` has opcode 0x0e (class"
                + " JMP32): it is no eBPF instruction, or a cpu v4 form that needs kernel 6.6",
            "slot 5: `invalid opcode 0xd7 dst=r1 src=r0 off=0 imm=16` has opcode 0xd7 (class"
                + " ALU64): it is no eBPF instruction, or a cpu v4 form that needs kernel 6.6"),
        Checker.check(invalid));
    assertEquals(List.of(), Checker.check(valid));
  }

  @Test
  void reservedFieldsMustBeZero() {
    Program dirty =
        rawProgram(
            insn(Opcode.alu(W64, AluOp.ADD, false), R0, R1, 0, 1), // imm form with src_reg
            insn(Opcode.alu(W64, AluOp.ADD, true), R0, R1, 0, 1), // reg form with imm
            insn(Opcode.alu(W64, AluOp.DIV, true), R0, R1, 1, 0), // off 1 = cpu v4 sdiv
            insn(Opcode.alu(W64, AluOp.NEG, false), R0, R0, 0, 3),
            insn(Opcode.byteSwap(true), R0, R0, 0, 8),
            insn(Opcode.LD_IMM64, R0, R2, 0, 0), // src_reg 2 = BPF_PSEUDO_MAP_VALUE
            insn(Opcode.jump(W64, JumpOp.JEQ, true), R0, R1, 0, 5),
            insn(Opcode.jump(W64, JumpOp.JEQ, false), R0, R1, 0, 5),
            insn(Opcode.load(Size.W), R0, R1, 0, 9),
            insn(Opcode.storeImm(Size.W), R10, R1, -4, 9),
            insn(Opcode.CALL, R1, R0, 0, Helper.KTIME_GET_NS.id()),
            insn(Opcode.EXIT, R0, R0, 0, 1));

    assertEquals(
        List.of(
            "slot 0: `r0 += 1` has 1 in the reserved field src_reg, which must be 0",
            "slot 1: `r0 += r1` has 1 in the reserved field imm, which must be 0",
            "slot 2: `r0 /= r1` has 1 in the reserved field off, which must be 0",
            "slot 3: `r0 = -r0` has 3 in the reserved field imm, which must be 0",
            "slot 4: `r0 = be8 r0` converts 8 bits; only 16, 32 and 64 exist",
            "slot 5: `r0 = 0x0 src=2 ll` has src_reg 2; only 0 (constant) and 1 (map fd) are used",
            "slot 7: `if r0 == r1 goto +0 <8>` has 5 in the reserved field imm, which must be 0",
            "slot 8: `if r0 == 5 goto +0 <9>` has 1 in the reserved field src_reg, which must be"
                + " 0",
            "slot 9: `r0 = *(u32 *)(r1 +0)` has 9 in the reserved field imm, which must be 0",
            "slot 10: `*(u32 *)(r10 -4) = 9` has 1 in the reserved field src_reg, which must be"
                + " 0",
            "slot 11: `call bpf_ktime_get_ns#5` has 1 in the reserved field dst_reg, which must"
                + " be 0",
            "slot 12: `exit` has 1 in the reserved field imm, which must be 0"),
        Checker.check(dirty));
  }

  @Test
  void callsNameAKnownHelper() {
    Program unknown = rawProgram(insn(Opcode.CALL, R0, R0, 0, 999), EXIT);
    Program known =
        assemble(
            a -> {
              a.call(Helper.GET_PRANDOM_U32);
              a.exit();
            });

    assertEquals(
        List.of("slot 0: `call #999` calls helper 999, which is not in sockmap4j's Helper table"),
        Checker.check(unknown));
    assertEquals(List.of(), Checker.check(known));
  }

  @Test
  void anEmptyProgramIsRefused() {
    assertEquals(
        List.of("slot 0: the program is empty; it needs at least an exit"),
        Checker.check(Program.of(List.of(), List.of(), List.of())));
  }

  @Test
  void encodedLdImm64NeedsItsCleanSecondSlot() {
    byte[] truncated = HexBytes.parse("18 01 00 00 05 00 00 00");
    byte[] dirty =
        HexBytes.parse(
            "18 01 00 00 05 00 00 00 | 07 01 00 00 00 00 00 00 | 95 00 00 00 00 00 00 00");
    byte[] clean =
        HexBytes.parse(
            "18 01 00 00 05 00 00 00 | 00 00 00 00 07 00 00 00 | 95 00 00 00 00 00 00 00");

    assertEquals(
        List.of("slot 0: ld_imm64 lacks its second slot"), Checker.checkEncoded(truncated));
    assertEquals(
        List.of(
            "slot 1: the second half of the ld_imm64 at slot 0 must have opcode, registers and"
                + " offset 0"),
        Checker.checkEncoded(dirty));
    assertEquals(List.of(), Checker.checkEncoded(clean));
  }

  @Test
  void encodedProgramsAreWholeSlots() {
    assertEquals(
        List.of("slot 1: the program is 12 bytes long, not a multiple of 8"),
        Checker.checkEncoded(HexBytes.parse("95 00 00 00 00 00 00 00 00 00 00 00")));
  }

  /** Every assembler method once, in a program the checker accepts. */
  private static void everyFormOnce(Assembler a) {
    Label end = a.newLabel("end");
    a.mov(W64, R6, R1);
    a.alu(W32, AluOp.XOR, R2, R2);
    a.aluImm(W64, AluOp.AND, R2, 0xff);
    a.neg(W32, R2);
    a.movImm(W32, R2, 3);
    a.loadImm64(R2, Long.MIN_VALUE);
    a.toBigEndian(R2, 32);
    a.store(Size.DW, R10, -8, R2);
    a.storeImm(Size.W, R10, -12, 1);
    a.load(Size.H, R2, R10, -12);
    a.loadMap(R1, "sockets");
    a.jumpIf(W32, JumpOp.JSET, R2, R2, end);
    a.jumpIfImm(W64, JumpOp.JSGE, R2, -1, end);
    a.call(Helper.MSG_REDIRECT_HASH);
    a.jump(end);
    a.bind(end);
    a.exit();
  }

  private static Program assemble(Consumer<Assembler> emit) {
    Assembler asm = new Assembler();
    emit.accept(asm);
    return asm.link();
  }

  private static Program rawProgram(Insn... instructions) {
    return Program.of(Arrays.asList(instructions), List.of(), List.of());
  }

  private static Insn jumpIfR1IsZero(int off) {
    return insn(Opcode.jump(W64, JumpOp.JEQ, false), R1, R0, off, 0);
  }

  private static Insn insn(int opcode, Register dst, Register src, int off, long imm) {
    return new Insn(opcode, dst, src, (short) off, imm);
  }
}
