package io.sockmap4j.processor.backend;

import static io.sockmap4j.processor.backend.Register.R0;
import static io.sockmap4j.processor.backend.Register.R1;
import static io.sockmap4j.processor.backend.Register.R10;
import static io.sockmap4j.processor.backend.Register.R2;
import static io.sockmap4j.processor.backend.Register.R3;
import static io.sockmap4j.processor.backend.Register.R6;
import static io.sockmap4j.processor.backend.Width.W32;
import static io.sockmap4j.processor.backend.Width.W64;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The listing format, which golden files of generated programs depend on. */
class PrinterTest {
  private static final Map<Integer, String> SOURCE =
      Map.of(
          3, "    int size = msg.size();",
          4, "    if (size < 4) {",
          5, "      return Verdict.DROP;",
          7, "    return redirect(msg, sockets, key);   ");

  @Test
  void printsSlotsSourceLinesAndJumpTargets() {
    Assembler asm = new Assembler();
    Label drop = asm.newLabel("drop");
    asm.at(new SourcePos(3, 5));
    asm.mov(W64, R6, R1);
    asm.load(Size.W, R2, R6, 68);
    asm.at(new SourcePos(4, 5));
    asm.jumpIfImm(W32, JumpOp.JSLT, R2, 4, drop);
    asm.at(new SourcePos(7, 5));
    asm.storeImm(Size.DW, R10, -16, 0);
    asm.loadImm64(R3, 0x1234);
    asm.at(new SourcePos(7, 12));
    asm.mov(W64, R1, R6);
    asm.loadMap(R2, "sockets");
    asm.mov(W64, R3, R10);
    asm.aluImm(W64, AluOp.ADD, R3, -16);
    asm.call(Helper.MSG_REDIRECT_HASH);
    asm.exit();
    asm.bind(drop);
    asm.at(new SourcePos(5, 7));
    asm.movImm(W64, R0, 0);
    asm.exit();

    String listing = Printer.print(asm.link(), SOURCE::get);

    assertEquals(
        """
        ; int size = msg.size();   // line 3
           0: r6 = r1
           1: r2 = *(u32 *)(r6 +68)
        ; if (size < 4) {   // line 4
           2: if w2 s< 4 goto +10 <13>
        ; return redirect(msg, sockets, key);   // line 7
           3: *(u64 *)(r10 -16) = 0
           4: r3 = 0x1234 ll
           6: r1 = r6
           7: r2 = map[sockets] ll
           9: r3 = r10
          10: r3 += -16
          11: call bpf_msg_redirect_hash#71
          12: exit
        ; return Verdict.DROP;   // line 5
          13: r0 = 0
          14: exit
        """,
        listing);
  }

  @Test
  void printsEveryOperationForm() {
    Assembler asm = new Assembler();
    Label back = asm.newLabel("back");
    asm.bind(back);
    asm.alu(W32, AluOp.LSH, R1, R2);
    asm.aluImm(W32, AluOp.LSH, R1, 3);
    asm.aluImm(W64, AluOp.ARSH, R1, 3);
    asm.alu(W64, AluOp.MOD, R1, R2);
    asm.neg(W64, R0);
    asm.neg(W32, R0);
    asm.mov(W32, R1, R2);
    asm.movImm(W32, R1, -1);
    asm.toBigEndian(R1, 32);
    asm.loadImm64(R1, -1);
    asm.load(Size.B, R0, R1, -1);
    asm.store(Size.H, R10, -2, R0);
    asm.jumpIf(W64, JumpOp.JGT, R1, R2, back);
    asm.jumpIf(W32, JumpOp.JSET, R1, R2, back);
    asm.jumpIfImm(W64, JumpOp.JNE, R1, -7, back);
    asm.jump(back);
    asm.at(new SourcePos(9, 1));
    asm.exit();

    assertEquals(
        """
           0: w1 <<= w2
           1: w1 <<= 3
           2: r1 s>>= 3
           3: r1 %= r2
           4: r0 = -r0
           5: w0 = -w0
           6: w1 = w2
           7: w1 = -1
           8: r1 = be32 r1
           9: r1 = 0xffffffffffffffff ll
          11: r0 = *(u8 *)(r1 -1)
          12: *(u16 *)(r10 -2) = r0
          13: if r1 > r2 goto -14 <0>
          14: if w1 & w2 goto -15 <0>
          15: if r1 != -7 goto -16 <0>
          16: goto -17 <0>
        ; line 9
          17: exit
        """,
        Printer.print(asm.link()));
  }

  @Test
  void aMapLoadWithoutRelocationShowsItsFd() {
    Insn mapFd3 = new Insn(Opcode.LD_IMM64, R1, R1, (short) 0, 3);
    Program program =
        Program.of(
            List.of(mapFd3, new Insn(Opcode.EXIT, R0, R0, (short) 0, 0)), List.of(), List.of());

    assertEquals("   0: r1 = map[fd 3] ll\n   2: exit\n", Printer.print(program));
  }
}
