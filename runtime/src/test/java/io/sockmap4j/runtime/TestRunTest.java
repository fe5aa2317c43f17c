package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.internal.Errno;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.RawInsns;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link BpfObject#testRun}: hand-assembled SCHED_CLS programs run on chosen inputs. */
@ExtendWith(KernelLeakCheck.class)
class TestRunTest {

  private static final int SCHED_CLS = 3;
  private static final int CB0 = 48;
  private static final int PRIORITY = 32;
  private static final int CB_END = 68;

  /** {@code return skb->cb[0]}, {@code return skb->priority}, {@code return skb->len}. */
  private static ObjectSpec readers(int progType, int attachType) {
    return new ObjectSpec(
        "GPL",
        List.of(),
        List.of(
            reader(TestNames.of("cb0"), progType, attachType, CB0),
            reader(TestNames.of("prio"), progType, attachType, PRIORITY),
            reader(TestNames.of("len"), progType, attachType, 0)));
  }

  private static ProgramSpec reader(String name, int progType, int attachType, int offset) {
    byte[] insns = new RawInsns().loadWord(0, 1, offset).exit().bytes();
    return new ProgramSpec(
        name,
        progType,
        0,
        attachType,
        ProgramSpec.NOT_ATTACHED,
        TestSpecs.SOURCE,
        insns,
        List.of(),
        List.of());
  }

  /** A {@code struct __sk_buff} prefix up to the end of {@code cb[]}, in host byte order. */
  private static byte[] context(int priority, int... cb) {
    ByteBuffer ctx = ByteBuffer.allocate(CB_END).order(ByteOrder.nativeOrder());
    ctx.putInt(PRIORITY, priority);
    for (int i = 0; i < cb.length; i++) {
      ctx.putInt(CB0 + 4 * i, cb[i]);
    }
    return ctx.array();
  }

  @KernelTest
  void returnsWhatTheProgramReadsFromTheContext() {
    try (BpfObject object = BpfObject.load(readers(SCHED_CLS, 0))) {
      byte[] frame = new byte[60];
      byte[] ctx = context(0x7fff_0001, 0xdead_beef, 2, 3, 4, -5);

      TestRun cb0 = object.testRun(TestNames.of("cb0"), frame, ctx);
      TestRun priority = object.testRun(TestNames.of("prio"), frame, ctx);
      TestRun len = object.testRun(TestNames.of("len"), frame, null);

      assertEquals(0xdead_beef, cb0.retval());
      assertEquals(0x7fff_0001, priority.retval());
      assertEquals(60, len.retval(), "skb->len is the frame's length");
      assertArrayEquals(frame, cb0.dataOut());
      byte[] ctxOut = cb0.contextOut();
      assertTrue(ctxOut.length >= CB_END, () -> ctxOut.length + " context bytes");
      assertArrayEquals(
          Arrays.copyOfRange(ctx, CB0, CB_END),
          Arrays.copyOfRange(ctxOut, CB0, CB_END),
          "cb[] comes back unchanged");
      assertEquals(0, len.contextOut().length, "no context in, none out");
    }
  }

  @KernelTest
  void skSkbProgramsCannotBeTestRun() {
    try (BpfObject object = BpfObject.load(readers(TestSpecs.SK_SKB, TestSpecs.STREAM_PARSER))) {
      BpfException e =
          assertThrows(
              BpfException.class,
              () -> object.testRun(TestNames.of("cb0"), new byte[60], context(0, 1)));
      assertEquals(Errno.ENOTSUPP, e.errno(), e::getMessage);
      assertTrue(e.getMessage().startsWith("BPF_PROG_TEST_RUN "), e.getMessage());
      assertTrue(e.getMessage().contains("need a SCHED_CLS or SOCKET_FILTER"), e.getMessage());
    }
  }

  @KernelTest
  void framesShorterThanAnEthernetHeaderAreRefused() {
    try (BpfObject object = BpfObject.load(readers(SCHED_CLS, 0))) {
      BpfException e =
          assertThrows(
              BpfException.class, () -> object.testRun(TestNames.of("len"), new byte[13], null));
      assertEquals(Errno.EINVAL, e.errno(), e::getMessage);
      assertTrue(e.getMessage().contains("at least 14 bytes"), e.getMessage());
    }
  }

  @KernelTest
  void unknownProgramsAndClosedObjectsAreRefused() {
    BpfObject object = BpfObject.load(readers(SCHED_CLS, 0));
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class, () -> object.testRun("nope", new byte[14], null));
    assertTrue(unknown.getMessage().contains(TestNames.of("cb0")), unknown.getMessage());
    object.close();
    assertThrows(
        IllegalStateException.class, () -> object.testRun(TestNames.of("cb0"), new byte[14], null));
  }
}
