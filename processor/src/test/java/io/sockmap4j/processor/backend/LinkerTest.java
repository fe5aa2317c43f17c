package io.sockmap4j.processor.backend;

import static io.sockmap4j.processor.backend.Register.R0;
import static io.sockmap4j.processor.backend.Register.R1;
import static io.sockmap4j.processor.backend.Register.R2;
import static io.sockmap4j.processor.backend.Width.W64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Label resolution: offsets in slots from the next instruction, and the errors of linking. */
class LinkerTest {

  @Test
  void forwardJumpSkipsTheInstructionsBetween() {
    Assembler asm = new Assembler();
    Label end = asm.newLabel("end");
    asm.jumpIfImm(W64, JumpOp.JEQ, R1, 0, end);
    asm.movImm(W64, R0, 1);
    asm.movImm(W64, R0, 2);
    asm.bind(end);
    asm.exit();

    Program program = asm.link();

    assertEquals(2, program.instructions().get(0).off());
  }

  @Test
  void backwardJumpHasANegativeOffset() {
    Assembler asm = new Assembler();
    Label loop = asm.newLabel("loop");
    asm.movImm(W64, R0, 0);
    asm.bind(loop);
    asm.aluImm(W64, AluOp.ADD, R0, 1);
    asm.jumpIfImm(W64, JumpOp.JLT, R0, 10, loop);
    asm.exit();

    Program program = asm.link();

    // the jump is at slot 2, the next slot is 3, the label at slot 1
    assertEquals(-2, program.instructions().get(2).off());
  }

  @Test
  void jumpToTheNextInstructionHasOffsetZero() {
    Assembler asm = new Assembler();
    Label next = asm.newLabel("next");
    asm.jump(next);
    asm.bind(next);
    asm.exit();

    assertEquals(0, asm.link().instructions().get(0).off());
  }

  @Test
  void ldImm64CountsTwoSlotsForwardAndBackward() {
    Assembler asm = new Assembler();
    Label top = asm.newLabel("top");
    Label end = asm.newLabel("end");
    asm.bind(top);
    asm.jumpIfImm(W64, JumpOp.JEQ, R1, 0, end); // slot 0
    asm.loadImm64(R2, 0x1_0000_0000L); // slots 1 and 2
    asm.loadMap(R1, "sockets"); // slots 3 and 4
    asm.jumpIfImm(W64, JumpOp.JNE, R2, 0, top); // slot 5
    asm.bind(end);
    asm.exit(); // slot 6

    Program program = asm.link();

    assertEquals(5, program.instructions().get(0).off()); // 6 - (0 + 1)
    assertEquals(-6, program.instructions().get(3).off()); // 0 - (5 + 1)
    assertEquals(7, program.slotCount());
    assertEquals(
        List.of(0, 1, 3, 5, 6), List.of(0, 1, 2, 3, 4).stream().map(program::slotOf).toList());
    assertEquals(List.of(new Relocation(3, "sockets")), program.relocations());
  }

  @Test
  void unboundLabelsAreAllNamedWithTheirJumps() {
    Assembler asm = new Assembler();
    Label elseBranch = asm.newLabel("else");
    Label done = asm.newLabel("done");
    Label neverUsed = asm.newLabel("spare");
    asm.jumpIfImm(W64, JumpOp.JEQ, R1, 0, elseBranch);
    asm.jump(done);
    asm.jumpIfImm(W64, JumpOp.JNE, R1, 0, elseBranch);
    asm.exit();

    LinkException e = assertThrows(LinkException.class, asm::link);

    assertEquals(List.of("else#0", "done#1"), e.unboundLabels());
    assertEquals(
        List.of(
            "label else#0 is never bound but jumped to from slots 0, 2",
            "label done#1 is never bound but jumped to from slot 1"),
        e.problems());
    assertTrue(e.getMessage().contains("else#0"), e.getMessage());
    assertTrue(e.getMessage().contains("done#1"), e.getMessage());
    assertFalse(e.getMessage().contains(neverUsed.name()), e.getMessage());
  }

  @Test
  void unboundLabelThatNobodyJumpsToIsFine() {
    Assembler asm = new Assembler();
    asm.newLabel("spare");
    asm.exit();

    assertEquals(1, asm.link().slotCount());
  }

  @Test
  void offsetsBeyondSixteenBitsAreRefused() {
    Assembler asm = new Assembler();
    Label far = asm.newLabel("far");
    Label back = asm.newLabel("back");
    asm.bind(back);
    asm.jump(far); // slot 0
    emitMoves(asm, 32768); // slots 1 to 32768
    asm.bind(far);
    asm.jump(back); // slot 32769: 0 - 32770

    LinkException e = assertThrows(LinkException.class, asm::link);

    assertEquals(
        List.of(
            "the jump at slot 0 to label far#0 at slot 32769 needs offset 32768, beyond the"
                + " 16-bit range -32768..32767",
            "the jump at slot 32769 to label back#1 at slot 0 needs offset -32770, beyond the"
                + " 16-bit range -32768..32767"),
        e.problems());
    assertEquals(List.of(), e.unboundLabels());
  }

  @Test
  void offsetsAtTheEdgesOfSixteenBitsLink() {
    Assembler asm = new Assembler();
    Label far = asm.newLabel("far");
    Label back = asm.newLabel("back");
    asm.jump(far); // slot 0
    asm.bind(back);
    emitMoves(asm, 32767); // slots 1 to 32767
    asm.bind(far);
    asm.jump(back); // slot 32768: 1 - 32769 = -32768

    Program program = asm.link();

    assertEquals(32767, program.instructions().get(0).off());
    assertEquals(-32768, program.instructions().get(32768).off());
  }

  @Test
  void bindingTwiceIsAnError() {
    Assembler asm = new Assembler();
    Label label = asm.newLabel("twice");
    asm.bind(label);
    asm.exit();

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> asm.bind(label));
    assertTrue(e.getMessage().contains("twice#0"), e.getMessage());
  }

  @Test
  void labelsOfAnotherAssemblerAreRefused() {
    Assembler one = new Assembler();
    Assembler other = new Assembler();
    Label foreign = other.newLabel("foreign");

    assertThrows(IllegalArgumentException.class, () -> one.bind(foreign));
    assertThrows(IllegalArgumentException.class, () -> one.jump(foreign));
  }

  @Test
  void theAssemblerIsSpentAfterLink() {
    Assembler asm = new Assembler();
    asm.exit();
    asm.link();

    assertThrows(IllegalStateException.class, asm::exit);
    assertThrows(IllegalStateException.class, () -> asm.newLabel("late"));
    assertThrows(IllegalStateException.class, asm::link);
  }

  @Test
  void theAssemblerIsSpentAfterAFailedLinkToo() {
    Assembler asm = new Assembler();
    asm.jump(asm.newLabel("nowhere"));
    assertThrows(LinkException.class, asm::link);

    assertThrows(IllegalStateException.class, asm::exit);
  }

  @Test
  void positionCountsLogicalInstructions() {
    Assembler asm = new Assembler();
    asm.loadImm64(R1, 1);
    asm.exit();

    assertEquals(2, asm.position());
    assertEquals(3, asm.link().slotCount());
  }

  @Test
  void labelNamesAreUniqueAndReadable() {
    Assembler asm = new Assembler();

    assertEquals("else#0", asm.newLabel("else").name());
    assertEquals("else#1", asm.newLabel("else").name());
    assertEquals("L#2", asm.newLabel(null).name());
  }

  @Test
  void lineEntriesMarkWherePositionsChange() {
    SourcePos first = new SourcePos(10, 5);
    SourcePos second = new SourcePos(11, 9);
    Assembler asm = new Assembler();
    asm.movImm(W64, R0, 0); // slot 0, no position
    asm.at(first);
    asm.loadImm64(R1, 7); // slots 1-2
    asm.movImm(W64, R2, 0); // slot 3, same position
    asm.at(null);
    asm.movImm(W64, R2, 1); // slot 4, inherits
    asm.at(second);
    asm.movImm(W64, R2, 2); // slot 5
    asm.at(first);
    asm.exit(); // slot 6, back to the first position

    Program program = asm.link();

    assertEquals(
        List.of(new LineEntry(1, first), new LineEntry(5, second), new LineEntry(6, first)),
        program.lines());
  }

  private static void emitMoves(Assembler asm, int count) {
    for (int i = 0; i < count; i++) {
      asm.movImm(W64, R0, i);
    }
  }
}
