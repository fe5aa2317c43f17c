package io.sockmap4j.processor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link JumpOp#negate()} and {@link JumpOp#swap()} against the meaning of each condition,
 * evaluated here independently of the enum's tables.
 */
class JumpOpTest {
  private static final List<Long> VALUES =
      List.of(0L, 1L, 2L, -1L, -2L, Long.MIN_VALUE, Long.MAX_VALUE, 0x8000_0000L, 5L);

  @Test
  void negateHoldsExactlyWhenTheConditionDoesNot() {
    for (JumpOp op : JumpOp.values()) {
      if (op == JumpOp.JSET) {
        continue;
      }
      for (long a : VALUES) {
        for (long b : VALUES) {
          assertEquals(!holds(op, a, b), holds(op.negate(), a, b), op + " " + a + " " + b);
        }
      }
      assertEquals(op, op.negate().negate());
    }
  }

  @Test
  void swapExchangesTheOperands() {
    for (JumpOp op : JumpOp.values()) {
      for (long a : VALUES) {
        for (long b : VALUES) {
          assertEquals(holds(op, a, b), holds(op.swap(), b, a), op + " " + a + " " + b);
        }
      }
      assertEquals(op, op.swap().swap());
    }
  }

  @Test
  void jsetHasNoNegation() {
    assertThrows(UnsupportedOperationException.class, JumpOp.JSET::negate);
  }

  @Test
  void codesAreTheHeaderValues() {
    // bpf_common.h and bpf.h: JEQ 0x10 JGT 0x20 JGE 0x30 JSET 0x40 JNE 0x50 JSGT 0x60
    // JSGE 0x70 JLT 0xa0 JLE 0xb0 JSLT 0xc0 JSLE 0xd0
    int[] codes = {0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0};
    JumpOp[] ops = JumpOp.values();
    for (int i = 0; i < ops.length; i++) {
      assertEquals(codes[i], ops[i].code(), ops[i].name());
    }
  }

  @Test
  void aluCodesAreTheHeaderValues() {
    // ADD 0x00 SUB 0x10 MUL 0x20 DIV 0x30 OR 0x40 AND 0x50 LSH 0x60 RSH 0x70 NEG 0x80
    // MOD 0x90 XOR 0xa0 MOV 0xb0 ARSH 0xc0
    AluOp[] ops = AluOp.values();
    for (int i = 0; i < ops.length; i++) {
      assertEquals(i * 0x10, ops[i].code(), ops[i].name());
    }
  }

  private static boolean holds(JumpOp op, long a, long b) {
    return switch (op) {
      case JEQ -> a == b;
      case JNE -> a != b;
      case JGT -> Long.compareUnsigned(a, b) > 0;
      case JGE -> Long.compareUnsigned(a, b) >= 0;
      case JLT -> Long.compareUnsigned(a, b) < 0;
      case JLE -> Long.compareUnsigned(a, b) <= 0;
      case JSGT -> a > b;
      case JSGE -> a >= b;
      case JSLT -> a < b;
      case JSLE -> a <= b;
      case JSET -> (a & b) != 0;
    };
  }
}
