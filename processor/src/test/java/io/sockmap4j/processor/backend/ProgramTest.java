package io.sockmap4j.processor.backend;

import static io.sockmap4j.processor.backend.Register.R0;
import static io.sockmap4j.processor.backend.Register.R1;
import static io.sockmap4j.processor.backend.Register.R2;
import static io.sockmap4j.processor.backend.Width.W64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The linked program's tables and its round trip through bytes. */
class ProgramTest {

  @Test
  void relocationsPointAtTheFirstSlotOfTheirLdImm64() {
    Assembler asm = new Assembler();
    asm.loadMap(R1, "first");
    asm.loadImm64(R2, 42);
    asm.loadMap(R1, "second");
    asm.movImm(W64, R0, 0);
    asm.exit();

    Program program = asm.link();

    assertEquals(
        List.of(new Relocation(0, "first"), new Relocation(4, "second")), program.relocations());
    assertEquals(8, program.slotCount());
    assertEquals(64, program.encode().length);
  }

  @Test
  void decodeReversesEncode() {
    Assembler asm = new Assembler();
    Label end = asm.newLabel("end");
    asm.loadImm64(R2, 0xdead_beef_cafe_f00dL);
    asm.jumpIfImm(W64, JumpOp.JSGT, R2, -3, end);
    asm.loadMap(R1, "m");
    asm.bind(end);
    asm.exit();
    Program program = asm.link();

    Program decoded = Program.decode(program.encode());

    assertEquals(program.instructions(), decoded.instructions());
    assertEquals(List.of(), decoded.relocations());
  }

  @Test
  void relocationsMustPointAtMapLoads() {
    Insn constant = new Insn(Opcode.LD_IMM64, R1, R0, (short) 0, 0);
    Insn exit = new Insn(Opcode.EXIT, R0, R0, (short) 0, 0);

    assertThrows(
        IllegalArgumentException.class,
        () -> Program.of(List.of(constant, exit), List.of(new Relocation(0, "m")), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> Program.of(List.of(constant, exit), List.of(new Relocation(1, "m")), List.of()));
  }

  @Test
  void lineEntriesMustBeOrderedAtInstructionStarts() {
    Insn constant = new Insn(Opcode.LD_IMM64, R1, R0, (short) 0, 0);
    Insn exit = new Insn(Opcode.EXIT, R0, R0, (short) 0, 0);
    SourcePos pos = new SourcePos(1, 1);

    assertThrows(
        IllegalArgumentException.class,
        () -> Program.of(List.of(constant, exit), List.of(), List.of(new LineEntry(1, pos))));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Program.of(
                List.of(constant, exit),
                List.of(),
                List.of(new LineEntry(2, pos), new LineEntry(0, pos))));
  }

  @Test
  void decodeRefusesBytesThatAreNoProgram() {
    assertThrows(IllegalArgumentException.class, () -> Program.decode(new byte[7]));
    assertThrows(
        IllegalArgumentException.class,
        () -> Program.decode(HexBytes.parse("18 00 00 00 00 00 00 00")));
  }
}
