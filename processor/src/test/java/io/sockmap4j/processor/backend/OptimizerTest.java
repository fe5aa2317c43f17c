package io.sockmap4j.processor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each pass of the optimiser, on small programs, with the code it must keep. */
class OptimizerTest {

  private static List<String> optimized(Assembler asm) {
    asm.optimize();
    Program program = asm.link();
    assertTrue(Checker.check(program).isEmpty(), () -> Checker.check(program).toString());
    return program.instructions().stream().map(OptimizerTest::text).toList();
  }

  private static String text(Insn insn) {
    Program one = Program.of(List.of(insn), List.of(), List.of());
    String listing = Printer.print(one).strip();
    // Printed alone, a jump's absolute target means nothing: keep the relative offset only.
    return listing.substring(listing.indexOf(':') + 1).replaceAll(" <-?\\d+>$", "").strip();
  }

  @Test
  void aContextCopyThatNothingClobbersIsReplacedByTheOriginal() {
    Assembler asm = new Assembler();
    asm.mov(Width.W64, Register.R6, Register.R1);
    asm.load(Size.W, Register.R0, Register.R6, 0);
    asm.exit();
    assertEquals(List.of("r0 = *(u32 *)(r1 +0)", "exit"), optimized(asm));
  }

  @Test
  void aCopyBackIntoTheOriginalIsRedundantUntilAHelperClobbersIt() {
    Assembler asm = new Assembler();
    asm.mov(Width.W64, Register.R6, Register.R1);
    asm.mov(Width.W64, Register.R1, Register.R6); // redundant
    asm.call(Helper.GET_SOCKET_COOKIE);
    asm.mov(Width.W64, Register.R1, Register.R6); // needed: the call clobbered r1
    asm.call(Helper.GET_SOCKET_COOKIE);
    asm.exit();
    assertEquals(
        List.of(
            "r6 = r1",
            "call bpf_get_socket_cookie#46",
            "r1 = r6",
            "call bpf_get_socket_cookie#46",
            "exit"),
        optimized(asm));
  }

  @Test
  void aHelperResultIsStoredWithoutADetourThroughATemporary() {
    Assembler asm = new Assembler();
    asm.call(Helper.GET_PRANDOM_U32);
    asm.mov(Width.W64, Register.R7, Register.R0);
    asm.store(Size.DW, Register.R10, -8, Register.R7);
    asm.addressOf(Register.R2, -8, 8); // the slot is handed to a helper: it stays a stack slot
    asm.call(Helper.MAP_LOOKUP_ELEM);
    asm.exit();
    assertEquals(
        List.of(
            "call bpf_get_prandom_u32#7",
            "*(u64 *)(r10 -8) = r0",
            "r2 = r10",
            "r2 += -8",
            "call bpf_map_lookup_elem#1",
            "exit"),
        optimized(asm));
  }

  @Test
  void aHelperResultCopiedOutOfR0IsNotRenamedIntoAnEarlierR0() {
    // r0 gets a value, a helper overwrites r0, then r0 is copied: the copy takes the helper's
    // result, so the earlier definition of r0 must not be renamed to the copy's target.
    Assembler asm = new Assembler();
    asm.mov(Width.W64, Register.R6, Register.R1);
    asm.movImm(Width.W64, Register.R8, 3);
    asm.load(Size.W, Register.R0, Register.R6, 0);
    asm.alu(Width.W64, AluOp.ADD, Register.R8, Register.R0);
    asm.call(Helper.GET_PRANDOM_U32);
    asm.mov(Width.W64, Register.R7, Register.R0);
    asm.mov(Width.W64, Register.R0, Register.R8);
    asm.alu(Width.W64, AluOp.ADD, Register.R0, Register.R7);
    asm.exit();
    List<String> code = optimized(asm);
    int call = code.indexOf("call bpf_get_prandom_u32#7");
    assertTrue(call >= 0, code::toString);
    for (String line : code.subList(call + 1, code.size())) {
      String[] sides = line.split(" [-+*/|&^]?= ", 2);
      if (sides.length == 2 && sides[1].matches(".*\\br0\\b.*")) {
        return; // the helper's result is read
      }
      if (sides.length == 2 && sides[0].equals("r0") && line.startsWith("r0 = ")) {
        break; // overwritten before anything read it
      }
    }
    throw new AssertionError("the helper's result in r0 is lost: " + code);
  }

  @Test
  void aReloadOfAValueStillInARegisterBecomesTheRegister() {
    Assembler asm = new Assembler();
    asm.movImm(Width.W64, Register.R7, 5);
    asm.store(Size.DW, Register.R10, -8, Register.R7);
    asm.load(Size.DW, Register.R0, Register.R10, -8);
    asm.exit();
    List<String> code = optimized(asm);
    assertTrue(code.stream().noneMatch(l -> l.startsWith("r0 = *(u64")), code::toString);
    assertEquals("exit", code.get(code.size() - 1));
  }

  @Test
  void aReloadAfterAHelperCallStays() {
    Assembler asm = new Assembler();
    asm.movImm(Width.W64, Register.R7, 5);
    asm.store(Size.DW, Register.R10, -8, Register.R7);
    asm.addressOf(Register.R3, -8, 8);
    asm.call(Helper.SKB_LOAD_BYTES); // helpers may write the stack through pointer arguments
    asm.load(Size.DW, Register.R0, Register.R10, -8);
    asm.exit();
    assertTrue(optimized(asm).contains("r0 = *(u64 *)(r10 -8)"));
  }

  @Test
  void unusedResultsGoButStoresCallsAndTheReturnValueStay() {
    Assembler asm = new Assembler();
    asm.movImm(Width.W64, Register.R8, 42); // never read
    asm.storeImm(Size.DW, Register.R10, -8, 7); // a store a helper can see: kept
    asm.addressOf(Register.R2, -8, 8);
    asm.call(Helper.MAP_LOOKUP_ELEM); // a call: kept, although r0 is overwritten
    asm.movImm(Width.W32, Register.R0, 1);
    asm.exit();
    assertEquals(
        List.of(
            "*(u64 *)(r10 -8) = 7",
            "r2 = r10",
            "r2 += -8",
            "call bpf_map_lookup_elem#1",
            "w0 = 1",
            "exit"),
        optimized(asm));
  }

  @Test
  void aLocalThatNoHelperSeesLivesInAFreeRegister() {
    Assembler asm = new Assembler();
    asm.load(Size.W, Register.R7, Register.R1, 0);
    asm.store(Size.DW, Register.R10, -8, Register.R7); // int x = skb.len();
    asm.call(Helper.KTIME_GET_NS); // r0-r5 are clobbered, r6-r9 are not
    asm.load(Size.DW, Register.R0, Register.R10, -8); // return x;
    asm.exit();
    assertEquals(
        List.of("r7 = *(u32 *)(r1 +0)", "call bpf_ktime_get_ns#5", "r0 = r7", "exit"),
        optimized(asm));
  }

  @Test
  void noSlotIsPromotedWhenR10IsCopiedByHand() {
    Assembler asm = new Assembler();
    asm.load(Size.W, Register.R7, Register.R1, 0);
    asm.store(Size.DW, Register.R10, -8, Register.R7);
    asm.mov(Width.W64, Register.R2, Register.R10); // an address the optimiser knows nothing of
    asm.aluImm(Width.W64, AluOp.ADD, Register.R2, -8);
    asm.call(Helper.MAP_LOOKUP_ELEM);
    asm.load(Size.DW, Register.R0, Register.R10, -8);
    asm.exit();
    List<String> code = optimized(asm);
    assertTrue(code.contains("*(u64 *)(r10 -8) = r7"), code::toString);
    assertTrue(code.contains("r0 = *(u64 *)(r10 -8)"), code::toString);
  }

  @Test
  void aSlotReadInPiecesStaysOnTheStack() {
    Assembler asm = new Assembler();
    asm.load(Size.W, Register.R7, Register.R1, 0);
    asm.store(Size.DW, Register.R10, -8, Register.R7);
    asm.load(Size.W, Register.R0, Register.R10, -8); // a 4-byte read of an 8-byte slot
    asm.exit();
    assertTrue(optimized(asm).contains("r0 = *(u32 *)(r10 -8)"));
  }

  @Test
  void aValueUsedAroundALoopStaysLive() {
    Assembler asm = new Assembler();
    Label loop = asm.newLabel("loop");
    asm.movImm(Width.W64, Register.R7, 0);
    asm.bind(loop);
    asm.aluImm(Width.W64, AluOp.ADD, Register.R7, 1);
    asm.jumpIfImm(Width.W64, JumpOp.JLT, Register.R7, 10, loop);
    asm.mov(Width.W64, Register.R0, Register.R7);
    asm.exit();
    assertEquals(
        List.of("r7 = 0", "r7 += 1", "if r7 < 10 goto -2", "r0 = r7", "exit"), optimized(asm));
  }

  @Test
  void copiesThatDifferOnTwoPathsAreNotPropagatedPastTheJoin() {
    Assembler asm = new Assembler();
    Label other = asm.newLabel("other");
    Label join = asm.newLabel("join");
    asm.load(Size.W, Register.R2, Register.R1, 0);
    asm.jumpIfImm(Width.W32, JumpOp.JEQ, Register.R2, 0, other);
    asm.mov(Width.W64, Register.R7, Register.R1);
    asm.jump(join);
    asm.bind(other);
    asm.mov(Width.W64, Register.R7, Register.R2);
    asm.bind(join);
    asm.mov(Width.W64, Register.R0, Register.R7); // r7 is r1 on one path, r2 on the other
    asm.exit();
    List<String> code = optimized(asm);
    assertEquals("r0 = r7", code.get(code.size() - 2), code::toString);
  }

  @Test
  void aDiamondPickingAConstantBecomesADefaultAndAnOverride() {
    Assembler asm = new Assembler();
    Label otherwise = asm.newLabel("else");
    Label join = asm.newLabel("join");
    asm.load(Size.W, Register.R2, Register.R1, 136);
    asm.jumpIfImm(Width.W32, JumpOp.JNE, Register.R2, 10000, otherwise);
    asm.movImm(Width.W32, Register.R7, 10);
    asm.jump(join);
    asm.bind(otherwise);
    asm.movImm(Width.W32, Register.R7, 1);
    asm.bind(join);
    asm.mov(Width.W64, Register.R3, Register.R7); // slot = ...; redirect(skb, slot)
    asm.loadMap(Register.R2, "m");
    asm.movImm(Width.W32, Register.R4, 0);
    asm.call(Helper.SK_REDIRECT_MAP);
    asm.exit();
    List<String> code = optimized(asm);
    assertEquals(
        List.of(
            "r2 = *(u32 *)(r1 +136)",
            "w3 = 1",
            "if w2 != 10000 goto +1",
            "w3 = 10",
            "r2 = map[fd 0] ll",
            "w4 = 0",
            "call bpf_sk_redirect_map#52",
            "exit"),
        code);
  }

  /**
   * {@code a < 0 ? 1 : a == 0 ? 0 : 2}: the inner and the outer join are two labels at one
   * position. The copy after them must not be fused into the inner diamond alone.
   */
  @Test
  void nestedDiamondsSharingAJoinKeepEveryPathsValue() {
    Assembler asm = new Assembler();
    Label outerElse = asm.newLabel("outer_else");
    Label outerJoin = asm.newLabel("outer_join");
    Label innerElse = asm.newLabel("inner_else");
    Label innerJoin = asm.newLabel("inner_join");
    asm.load(Size.W, Register.R7, Register.R1, 0);
    asm.jumpIfImm(Width.W32, JumpOp.JSGE, Register.R7, 0, outerElse);
    asm.movImm(Width.W32, Register.R0, 1);
    asm.jump(outerJoin);
    asm.bind(outerElse);
    asm.jumpIfImm(Width.W32, JumpOp.JNE, Register.R7, 0, innerElse);
    asm.movImm(Width.W32, Register.R0, 0);
    asm.jump(innerJoin);
    asm.bind(innerElse);
    asm.movImm(Width.W32, Register.R0, 2);
    asm.bind(innerJoin);
    asm.bind(outerJoin);
    asm.mov(Width.W64, Register.R9, Register.R0); // kept across the call below
    asm.call(Helper.KTIME_GET_NS);
    asm.mov(Width.W64, Register.R0, Register.R9);
    asm.exit();
    asm.optimize();
    Program program = asm.link();
    assertTrue(Checker.check(program).isEmpty(), () -> Checker.check(program).toString());
    assertEquals(1, MiniVm.run(program, -5), program::toString);
    assertEquals(0, MiniVm.run(program, 0), program::toString);
    assertEquals(2, MiniVm.run(program, 7), program::toString);
  }

  /**
   * {@code x == 1 || x >= 3 ? 1 : 0}: the first operand jumps straight to the then-move, on a path
   * where the diamond's own condition ({@code x < 3}) holds.
   */
  @Test
  void aDiamondEnteredInTheMiddleIsLeftAlone() {
    Assembler asm = new Assembler();
    Label yes = asm.newLabel("yes");
    Label no = asm.newLabel("no");
    Label join = asm.newLabel("join");
    asm.load(Size.W, Register.R7, Register.R1, 0);
    asm.jumpIfImm(Width.W32, JumpOp.JEQ, Register.R7, 1, yes);
    asm.jumpIfImm(Width.W32, JumpOp.JSLT, Register.R7, 3, no);
    asm.bind(yes);
    asm.movImm(Width.W32, Register.R0, 1);
    asm.jump(join);
    asm.bind(no);
    asm.movImm(Width.W32, Register.R0, 0);
    asm.bind(join);
    asm.exit();
    asm.optimize();
    Program program = asm.link();
    assertTrue(Checker.check(program).isEmpty(), () -> Checker.check(program).toString());
    assertEquals(1, MiniVm.run(program, 1), program::toString);
    assertEquals(0, MiniVm.run(program, 2), program::toString);
    assertEquals(1, MiniVm.run(program, 4), program::toString);
  }

  @Test
  void identicalTailsAreMergedIntoOne() {
    Assembler asm = new Assembler();
    Label other = asm.newLabel("other");
    asm.load(Size.W, Register.R2, Register.R1, 0);
    asm.jumpIfImm(Width.W32, JumpOp.JEQ, Register.R2, 0, other);
    asm.movImm(Width.W32, Register.R3, 1); // the key first, as the frontend emits it
    asm.loadMap(Register.R2, "m");
    asm.movImm(Width.W32, Register.R4, 0);
    asm.call(Helper.SK_REDIRECT_MAP);
    asm.exit();
    asm.bind(other);
    asm.movImm(Width.W32, Register.R3, 2);
    asm.loadMap(Register.R2, "m");
    asm.movImm(Width.W32, Register.R4, 0);
    asm.call(Helper.SK_REDIRECT_MAP);
    asm.exit();
    List<String> code = optimized(asm);
    assertEquals(1, code.stream().filter(l -> l.startsWith("call")).count(), code::toString);
    assertEquals(1, code.stream().filter(l -> l.startsWith("r2 = map")).count(), code::toString);
    assertTrue(code.contains("w3 = 1") && code.contains("w3 = 2"), code::toString);
  }

  @Test
  void jumpsToJumpsAreThreadedAndTheLeftoversRemoved() {
    Assembler asm = new Assembler();
    Label first = asm.newLabel("first");
    Label second = asm.newLabel("second");
    asm.load(Size.W, Register.R2, Register.R1, 0);
    asm.jumpIfImm(Width.W32, JumpOp.JEQ, Register.R2, 0, first);
    asm.movImm(Width.W32, Register.R0, 1);
    asm.exit();
    asm.bind(first);
    asm.jump(second);
    asm.bind(second);
    asm.movImm(Width.W32, Register.R0, 0);
    asm.exit();
    List<String> code = optimized(asm);
    assertTrue(code.stream().noneMatch(l -> l.startsWith("goto")), code::toString);
    assertEquals(6, code.size(), code::toString);
  }
}
