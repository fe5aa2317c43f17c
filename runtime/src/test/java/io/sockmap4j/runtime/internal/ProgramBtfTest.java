package io.sockmap4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sockmap4j.runtime.internal.ProgramBtf.Function;
import io.sockmap4j.runtime.internal.ProgramBtf.Line;
import io.sockmap4j.runtime.testing.RawInsns;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The func_info and line_info records, and the kernel's rules they must follow. */
class ProgramBtfTest {

  /** slot 0-1 ld_imm64, 2 mov, 3 call, 4 exit. */
  private static final byte[] INSNS =
      new RawInsns().loadMap(2).movImm(3, 0).call(52).exit().bytes();

  private static ProgramBtf build(List<Function> functions, Line... lines) {
    return ProgramBtf.of("__sk_buff", "Echo.java", INSNS, functions, List.of(lines));
  }

  private static ProgramBtf build(Line... lines) {
    return build(List.of(new Function("echo", 0)), lines);
  }

  /** The string at {@code offset} of the blob's string section. */
  private static String string(byte[] blob, int offset) {
    ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.nativeOrder());
    int start = 24 + b.getInt(16) + offset;
    int end = start;
    while (blob[end] != 0) {
      end++;
    }
    return new String(blob, start, end - start, StandardCharsets.UTF_8);
  }

  /** Each line record as "insn_off file:line:col text". */
  private static List<String> lines(ProgramBtf debug) {
    ByteBuffer b = ByteBuffer.wrap(debug.lineInfo()).order(ByteOrder.nativeOrder());
    List<String> out = new ArrayList<>();
    for (int i = 0; i < debug.lineInfoCount(); i++) {
      int insn = b.getInt();
      String file = string(debug.btf(), b.getInt());
      String text = string(debug.btf(), b.getInt());
      int lineCol = b.getInt();
      out.add(insn + " " + file + ":" + (lineCol >>> 10) + ":" + (lineCol & 0x3ff) + " " + text);
    }
    return out;
  }

  @Test
  void oneFunctionRecordPointsAtTheFuncNamedAfterTheProgram() {
    ProgramBtf debug = build(new Line(0, 3, 5, "x"));

    assertEquals(1, debug.funcInfoCount());
    ByteBuffer f = ByteBuffer.wrap(debug.funcInfo()).order(ByteOrder.nativeOrder());
    assertEquals(0, f.getInt(0), "insn_off");
    int typeId = f.getInt(4);
    assertEquals(5, typeId, "int, struct, ptr, proto, then the FUNC");
    ByteBuffer blob = ByteBuffer.wrap(debug.btf()).order(ByteOrder.nativeOrder());
    int funcEntry = 24 + 4 * (4 + 3 + 3 + 5);
    assertEquals(12 << 24 | 1, blob.getInt(funcEntry + 4), "a global FUNC");
    assertEquals("echo", string(debug.btf(), blob.getInt(funcEntry)));
  }

  @Test
  void moreFunctionsAreMoreRecords() {
    ProgramBtf debug =
        build(List.of(new Function("echo", 0), new Function("helper$1", 4)), new Line(0, 1, 1, ""));

    assertEquals(2, debug.funcInfoCount());
    ByteBuffer f = ByteBuffer.wrap(debug.funcInfo()).order(ByteOrder.nativeOrder());
    assertEquals(4, f.getInt(8));
    assertEquals(6, f.getInt(12));
  }

  @Test
  void lineRecordsCarryFileLineColumnAndText() {
    ProgramBtf debug =
        build(
            new Line(0, 41, 3, "static Verdict echo(SkBuff skb) {"),
            new Line(2, 42, 5, "return redirect(sockets, 0);"),
            new Line(4, 43, 3, "}"));

    assertEquals(
        List.of(
            "0 Echo.java:41:3 static Verdict echo(SkBuff skb) {",
            "2 Echo.java:42:5 return redirect(sockets, 0);",
            "4 Echo.java:43:3 }"),
        lines(debug));
  }

  @Test
  void recordsTheKernelWouldRefuseAreDropped() {
    ProgramBtf debug =
        build(
            new Line(0, 1, 1, "a"),
            new Line(1, 2, 1, "inside the ld_imm64"),
            new Line(2, 3, 1, "b"),
            new Line(2, 3, 9, "b, later column"),
            new Line(1, 4, 1, "going back"),
            new Line(5, 5, 1, "past the end"));

    assertEquals(List.of("0 Echo.java:1:1 a", "2 Echo.java:3:9 b, later column"), lines(debug));
  }

  @Test
  void theFirstRecordIsAtInstructionZero() {
    assertEquals(
        List.of("0 Echo.java:7:2 first", "3 Echo.java:7:2 first"),
        lines(build(new Line(3, 7, 2, "first"))));
  }

  @Test
  void noLinesMeansNoLineInfo() {
    assertEquals(0, build().lineInfoCount());
  }

  @Test
  void columnsAndLinesAreClampedToTheirBits() {
    assertEquals(
        List.of("0 Echo.java:4194303:1023 x"), lines(build(new Line(0, 1 << 23, 2000, "x"))));
  }

  @Test
  void theFirstFunctionMustStartAtZero() {
    assertThrows(IllegalArgumentException.class, () -> build(List.of(new Function("f", 2))));
  }

  @Test
  void contextStructsByProgramType() {
    assertEquals("__sk_buff", ProgramBtf.contextStruct(14));
    assertEquals("sk_msg_md", ProgramBtf.contextStruct(16));
    assertEquals("bpf_sock_ops", ProgramBtf.contextStruct(13));
    assertEquals(null, ProgramBtf.contextStruct(6));
  }
}
