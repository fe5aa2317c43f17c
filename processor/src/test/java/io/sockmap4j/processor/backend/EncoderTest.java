package io.sockmap4j.processor.backend;

import static io.sockmap4j.processor.backend.Register.R0;
import static io.sockmap4j.processor.backend.Register.R1;
import static io.sockmap4j.processor.backend.Register.R10;
import static io.sockmap4j.processor.backend.Register.R2;
import static io.sockmap4j.processor.backend.Register.R3;
import static io.sockmap4j.processor.backend.Register.R4;
import static io.sockmap4j.processor.backend.Register.R5;
import static io.sockmap4j.processor.backend.Register.R6;
import static io.sockmap4j.processor.backend.Register.R7;
import static io.sockmap4j.processor.backend.Register.R8;
import static io.sockmap4j.processor.backend.Register.R9;
import static io.sockmap4j.processor.backend.Width.W32;
import static io.sockmap4j.processor.backend.Width.W64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The encoder against bytes derived by hand from the ISA: opcode = op | source | class (or mode |
 * size | class), byte 1 = src << 4 | dst, then s16 off and s32 imm, little-endian. The derivation
 * is in the comment of each row. A sample was cross-checked with {@code llvm-mc -triple bpfel
 * -show-encoding} (LLVM 14); the test does not need LLVM.
 */
class EncoderTest {

  private record Case(String name, Consumer<Assembler> emit, String hex) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case row(String name, Consumer<Assembler> emit, String hex) {
    return new Case(name, emit, hex);
  }

  static Stream<Arguments> table() {
    return Stream.of(
            // MOV: ALU64 0x07 | MOV 0xb0 | K 0x00 = 0xb7
            row("r0 = 0", a -> a.movImm(W64, R0, 0), "b7 00 00 00 00 00 00 00"),
            // ALU 0x04 | MOV | K = 0xb4; imm -1 = ff ff ff ff
            row("w1 = -1", a -> a.movImm(W32, R1, -1), "b4 01 00 00 ff ff ff ff"),
            // imm 0x80000000, little-endian
            row(
                "r9 = MIN_INT",
                a -> a.movImm(W64, R9, Integer.MIN_VALUE),
                "b7 09 00 00 00 00 00 80"),
            // ALU64 | MOV | X 0x08 = 0xbf; regs = src 1 << 4 | dst 6 = 0x16
            row("r6 = r1", a -> a.mov(W64, R6, R1), "bf 16 00 00 00 00 00 00"),
            // ALU | MOV | X = 0xbc; regs 0x21
            row("w1 = w2", a -> a.mov(W32, R1, R2), "bc 21 00 00 00 00 00 00"),
            // ADD 0x00: ALU64 | X = 0x0f; ALU64 | K = 0x07
            row("r1 += r2", a -> a.alu(W64, AluOp.ADD, R1, R2), "0f 21 00 00 00 00 00 00"),
            row("r1 += 8", a -> a.aluImm(W64, AluOp.ADD, R1, 8), "07 01 00 00 08 00 00 00"),
            row("w5 += w9", a -> a.alu(W32, AluOp.ADD, R5, R9), "0c 95 00 00 00 00 00 00"),
            // SUB 0x10: ALU64 | K = 0x17, imm -8 = f8 ff ff ff; ALU | X = 0x1c
            row("r1 -= -8", a -> a.aluImm(W64, AluOp.SUB, R1, -8), "17 01 00 00 f8 ff ff ff"),
            row("w3 -= w4", a -> a.alu(W32, AluOp.SUB, R3, R4), "1c 43 00 00 00 00 00 00"),
            // MUL 0x20
            row("r2 *= 3", a -> a.aluImm(W64, AluOp.MUL, R2, 3), "27 02 00 00 03 00 00 00"),
            row("w2 *= w3", a -> a.alu(W32, AluOp.MUL, R2, R3), "2c 32 00 00 00 00 00 00"),
            // DIV 0x30
            row("r0 /= r1", a -> a.alu(W64, AluOp.DIV, R0, R1), "3f 10 00 00 00 00 00 00"),
            row("w0 /= 10", a -> a.aluImm(W32, AluOp.DIV, R0, 10), "34 00 00 00 0a 00 00 00"),
            // OR 0x40; imm 0x100 = 00 01 00 00
            row("r1 |= 0x100", a -> a.aluImm(W64, AluOp.OR, R1, 0x100), "47 01 00 00 00 01 00 00"),
            row("w1 |= w2", a -> a.alu(W32, AluOp.OR, R1, R2), "4c 21 00 00 00 00 00 00"),
            // AND 0x50
            row("r1 &= r9", a -> a.alu(W64, AluOp.AND, R1, R9), "5f 91 00 00 00 00 00 00"),
            row("w1 &= 0xff", a -> a.aluImm(W32, AluOp.AND, R1, 0xff), "54 01 00 00 ff 00 00 00"),
            // LSH 0x60
            row("r1 <<= 32", a -> a.aluImm(W64, AluOp.LSH, R1, 32), "67 01 00 00 20 00 00 00"),
            row("w1 <<= 3", a -> a.aluImm(W32, AluOp.LSH, R1, 3), "64 01 00 00 03 00 00 00"),
            row("r1 <<= r2", a -> a.alu(W64, AluOp.LSH, R1, R2), "6f 21 00 00 00 00 00 00"),
            // RSH 0x70
            row("r2 >>= 16", a -> a.aluImm(W64, AluOp.RSH, R2, 16), "77 02 00 00 10 00 00 00"),
            row("w2 >>= w3", a -> a.alu(W32, AluOp.RSH, R2, R3), "7c 32 00 00 00 00 00 00"),
            // NEG 0x80, always K with src 0 and imm 0
            row("r0 = -r0", a -> a.neg(W64, R0), "87 00 00 00 00 00 00 00"),
            row("w5 = -w5", a -> a.neg(W32, R5), "84 05 00 00 00 00 00 00"),
            // MOD 0x90
            row("r1 %= r2", a -> a.alu(W64, AluOp.MOD, R1, R2), "9f 21 00 00 00 00 00 00"),
            row("w1 %= 7", a -> a.aluImm(W32, AluOp.MOD, R1, 7), "94 01 00 00 07 00 00 00"),
            // XOR 0xa0
            row("r7 ^= r8", a -> a.alu(W64, AluOp.XOR, R7, R8), "af 87 00 00 00 00 00 00"),
            row(
                "w0 ^= MAX_INT",
                a -> a.aluImm(W32, AluOp.XOR, R0, Integer.MAX_VALUE),
                "a4 00 00 00 ff ff ff 7f"),
            // ARSH 0xc0
            row("r3 s>>= 63", a -> a.aluImm(W64, AluOp.ARSH, R3, 63), "c7 03 00 00 3f 00 00 00"),
            row("w3 s>>= w4", a -> a.alu(W32, AluOp.ARSH, R3, R4), "cc 43 00 00 00 00 00 00"),
            // END 0xd0 | TO_BE 0x08 | ALU 0x04 = 0xdc; imm = bit count
            row("r1 = be16 r1", a -> a.toBigEndian(R1, 16), "dc 01 00 00 10 00 00 00"),
            row("r2 = be32 r2", a -> a.toBigEndian(R2, 32), "dc 02 00 00 20 00 00 00"),
            row("r3 = be64 r3", a -> a.toBigEndian(R3, 64), "dc 03 00 00 40 00 00 00"),
            // LD 0x00 | IMM 0x00 | DW 0x18 = 0x18; slot 1 imm = low half, slot 2 imm = high half
            row(
                "r1 = 0x1122334455667788 ll",
                a -> a.loadImm64(R1, 0x1122334455667788L),
                "18 01 00 00 88 77 66 55 | 00 00 00 00 44 33 22 11"),
            row(
                "r0 = -1 ll",
                a -> a.loadImm64(R0, -1L),
                "18 00 00 00 ff ff ff ff | 00 00 00 00 ff ff ff ff"),
            row(
                "r3 = 0x1234 ll",
                a -> a.loadImm64(R3, 0x1234),
                "18 03 00 00 34 12 00 00 | 00 00 00 00 00 00 00 00"),
            row(
                "r4 = 0x80000000_00000000 ll",
                a -> a.loadImm64(R4, Long.MIN_VALUE),
                "18 04 00 00 00 00 00 00 | 00 00 00 00 00 00 00 80"),
            // src = BPF_PSEUDO_MAP_FD 1: regs = 1 << 4 | 2 = 0x12, imm 0 until the loader patches
            row(
                "r2 = map[sockets] ll",
                a -> a.loadMap(R2, "sockets"),
                "18 12 00 00 00 00 00 00 | 00 00 00 00 00 00 00 00"),
            // LDX 0x01 | MEM 0x60 | size (W 0x00, H 0x08, B 0x10, DW 0x18)
            row("r0 = *(u32 *)(r6 +0)", a -> a.load(Size.W, R0, R6, 0), "61 60 00 00 00 00 00 00"),
            row(
                "r3 = *(u16 *)(r1 +132)",
                a -> a.load(Size.H, R3, R1, 132),
                "69 13 84 00 00 00 00 00"),
            row("r2 = *(u8 *)(r1 +3)", a -> a.load(Size.B, R2, R1, 3), "71 12 03 00 00 00 00 00"),
            // off -8 = f8 ff; regs = src r10 0xa << 4 | dst 4
            row(
                "r4 = *(u64 *)(r10 -8)",
                a -> a.load(Size.DW, R4, R10, -8),
                "79 a4 f8 ff 00 00 00 00"),
            // STX 0x03 | MEM | size; dst is the base
            row(
                "*(u64 *)(r10 -8) = r0",
                a -> a.store(Size.DW, R10, -8, R0),
                "7b 0a f8 ff 00 00 00 00"),
            row(
                "*(u32 *)(r10 -4) = r1",
                a -> a.store(Size.W, R10, -4, R1),
                "63 1a fc ff 00 00 00 00"),
            row("*(u16 *)(r6 +2) = r7", a -> a.store(Size.H, R6, 2, R7), "6b 76 02 00 00 00 00 00"),
            row("*(u8 *)(r6 +0) = r7", a -> a.store(Size.B, R6, 0, R7), "73 76 00 00 00 00 00 00"),
            // ST 0x02 | MEM | size; off -512 = 00 fe, imm -2 = fe ff ff ff
            row(
                "*(u64 *)(r10 -16) = 0",
                a -> a.storeImm(Size.DW, R10, -16, 0),
                "7a 0a f0 ff 00 00 00 00"),
            row(
                "*(u32 *)(r10 -512) = -2",
                a -> a.storeImm(Size.W, R10, -512, -2),
                "62 0a 00 fe fe ff ff ff"),
            row(
                "*(u16 *)(r1 +32767) = 1",
                a -> a.storeImm(Size.H, R1, 32767, 1),
                "6a 01 ff 7f 01 00 00 00"),
            row(
                "*(u8 *)(r1 +1) = 0xab",
                a -> a.storeImm(Size.B, R1, 1, 0xab),
                "72 01 01 00 ab 00 00 00"),
            // JMP 0x05 | CALL 0x80 = 0x85, imm = helper id (72 = 0x48); EXIT 0x90
            row(
                "call bpf_sk_redirect_hash",
                a -> a.call(Helper.SK_REDIRECT_HASH),
                "85 00 00 00 48 00 00 00"),
            row(
                "call bpf_map_lookup_elem",
                a -> a.call(Helper.MAP_LOOKUP_ELEM),
                "85 00 00 00 01 00 00 00"),
            row("exit", Assembler::exit, "95 00 00 00 00 00 00 00"),
            // JA 0x05, forward over one exit: off +1
            row("goto +1", a -> forward(a, a::jump), "05 00 01 00 00 00 00 00 | " + EXIT_EXIT),
            // backward jumps: the jump sits at slot 1 and lands on slot 0, off = 0 - 2 = -2 (fe ff)
            row(
                "if r1 == r2 goto -2",
                a -> backward(a, l -> a.jumpIf(W64, JumpOp.JEQ, R1, R2, l)),
                EXIT + " | 1d 21 fe ff 00 00 00 00"),
            row(
                "if r1 > 5 goto -2",
                a -> backward(a, l -> a.jumpIfImm(W64, JumpOp.JGT, R1, 5, l)),
                EXIT + " | 25 01 fe ff 05 00 00 00"),
            row(
                "if r3 >= r4 goto +1",
                a -> forward(a, l -> a.jumpIf(W64, JumpOp.JGE, R3, R4, l)),
                "3d 43 01 00 00 00 00 00 | " + EXIT_EXIT),
            row(
                "if r1 & 0x8 goto +1",
                a -> forward(a, l -> a.jumpIfImm(W64, JumpOp.JSET, R1, 8, l)),
                "45 01 01 00 08 00 00 00 | " + EXIT_EXIT),
            row(
                "if r1 != r0 goto +1",
                a -> forward(a, l -> a.jumpIf(W64, JumpOp.JNE, R1, R0, l)),
                "5d 01 01 00 00 00 00 00 | " + EXIT_EXIT),
            row(
                "if r2 s> -1 goto +1",
                a -> forward(a, l -> a.jumpIfImm(W64, JumpOp.JSGT, R2, -1, l)),
                "65 02 01 00 ff ff ff ff | " + EXIT_EXIT),
            row(
                "if r1 < 0x7fffffff goto +1",
                a -> forward(a, l -> a.jumpIfImm(W64, JumpOp.JLT, R1, Integer.MAX_VALUE, l)),
                "a5 01 01 00 ff ff ff 7f | " + EXIT_EXIT),
            row(
                "if r8 <= r9 goto +1",
                a -> forward(a, l -> a.jumpIf(W64, JumpOp.JLE, R8, R9, l)),
                "bd 98 01 00 00 00 00 00 | " + EXIT_EXIT),
            row(
                "if r1 s< r2 goto +1",
                a -> forward(a, l -> a.jumpIf(W64, JumpOp.JSLT, R1, R2, l)),
                "cd 21 01 00 00 00 00 00 | " + EXIT_EXIT),
            row(
                "if r1 s<= 0 goto +1",
                a -> forward(a, l -> a.jumpIfImm(W64, JumpOp.JSLE, R1, 0, l)),
                "d5 01 01 00 00 00 00 00 | " + EXIT_EXIT),
            // JMP32 0x06
            row(
                "if w1 s< -5 goto +1",
                a -> forward(a, l -> a.jumpIfImm(W32, JumpOp.JSLT, R1, -5, l)),
                "c6 01 01 00 fb ff ff ff | " + EXIT_EXIT),
            row(
                "if w1 s>= w2 goto +1",
                a -> forward(a, l -> a.jumpIf(W32, JumpOp.JSGE, R1, R2, l)),
                "7e 21 01 00 00 00 00 00 | " + EXIT_EXIT),
            row(
                "if w1 == 0 goto -2",
                a -> backward(a, l -> a.jumpIfImm(W32, JumpOp.JEQ, R1, 0, l)),
                EXIT + " | 16 01 fe ff 00 00 00 00"),
            row(
                "if w3 > w4 goto +1",
                a -> forward(a, l -> a.jumpIf(W32, JumpOp.JGT, R3, R4, l)),
                "2e 43 01 00 00 00 00 00 | " + EXIT_EXIT))
        .map(Arguments::of);
  }

  private static final String EXIT = "95 00 00 00 00 00 00 00";
  private static final String EXIT_EXIT = EXIT + " | " + EXIT;

  /** The jump, then two exits, the label bound to the second: the offset is +1. */
  private static void forward(Assembler a, Consumer<Label> jump) {
    Label target = a.newLabel("target");
    jump.accept(target);
    a.exit();
    a.bind(target);
    a.exit();
  }

  /** An exit with the label, then the jump back to it: the offset is -2. */
  private static void backward(Assembler a, Consumer<Label> jump) {
    Label target = a.newLabel("target");
    a.bind(target);
    a.exit();
    jump.accept(target);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void encodes(Case c) {
    Assembler asm = new Assembler();
    c.emit().accept(asm);
    Program program = asm.link();

    byte[] bytes = program.encode();

    assertEquals(c.hex(), HexBytes.format(bytes));
    assertEquals(bytes.length, program.slotCount() * 8);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decodesWhatItEncodes(Case c) {
    Assembler asm = new Assembler();
    c.emit().accept(asm);
    Program program = asm.link();

    assertEquals(program.instructions(), Program.decode(HexBytes.parse(c.hex())).instructions());
  }

  @Test
  void everyAluOpAndJumpOpIsInTheTable() {
    String names = table().map(arguments -> arguments.get()[0].toString()).toList().toString();
    for (AluOp op : AluOp.values()) {
      String symbol = op == AluOp.NEG ? "= -" : " " + op.symbol() + " ";
      assertEquals(true, names.contains(symbol), () -> op + " has no row");
    }
    for (JumpOp op : JumpOp.values()) {
      assertEquals(true, names.contains(" " + op.symbol() + " "), () -> op + " has no row");
    }
  }

  @Test
  void refusesOperandsWithoutEncoding() {
    Assembler asm = new Assembler();
    assertThrows(IllegalArgumentException.class, () -> asm.load(Size.W, R0, R1, 32768));
    assertThrows(IllegalArgumentException.class, () -> asm.store(Size.W, R1, -32769, R0));
    assertThrows(IllegalArgumentException.class, () -> asm.toBigEndian(R1, 8));
    assertThrows(IllegalArgumentException.class, () -> asm.alu(W64, AluOp.NEG, R1, R2));
    assertThrows(IllegalArgumentException.class, () -> asm.aluImm(W64, AluOp.NEG, R1, 0));
    assertThrows(IllegalArgumentException.class, () -> asm.loadMap(R1, ""));
    assertEquals(0, asm.position());
  }

  @Test
  void onlyLdImm64HoldsA64BitImmediate() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Insn(Opcode.alu(W64, AluOp.MOV, false), R1, R0, (short) 0, 1L << 32));
  }

  @Test
  void unusedRegistersKeepTheirPlaceInTheNibbles() {
    Assembler asm = new Assembler();
    asm.mov(W64, R10, R10);
    asm.mov(W64, R0, R10);
    asm.mov(W64, R10, R0);

    assertEquals(
        "bf aa 00 00 00 00 00 00 | bf a0 00 00 00 00 00 00 | bf 0a 00 00 00 00 00 00",
        HexBytes.format(asm.link().encode()));
  }
}
