package io.sockmap4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The BTF blob layout of {@code include/uapi/linux/btf.h}, checked word by word. */
class BtfTest {

  private static ByteBuffer read(byte[] blob) {
    return ByteBuffer.wrap(blob).order(ByteOrder.nativeOrder());
  }

  @Test
  void anEmptyBlobIsAHeaderAndTheEmptyString() {
    ByteBuffer b = read(new Btf().toBytes());

    assertEquals(24 + 1, b.capacity());
    assertEquals((short) 0xEB9F, b.getShort(0), "magic");
    assertEquals(1, b.get(2), "version");
    assertEquals(0, b.get(3), "flags");
    assertEquals(24, b.getInt(4), "hdr_len");
    assertEquals(0, b.getInt(8), "type_off");
    assertEquals(0, b.getInt(12), "type_len");
    assertEquals(0, b.getInt(16), "str_off");
    assertEquals(1, b.getInt(20), "str_len");
    assertEquals(0, b.get(24), "offset 0 is the empty string");
  }

  @Test
  void stringsAreNulTerminatedAndDeduplicated() {
    Btf btf = new Btf();

    assertEquals(0, btf.string(""));
    assertEquals(1, btf.string("Echo.java"));
    assertEquals(11, btf.string("return x;"));
    assertEquals(1, btf.string("Echo.java"));
    assertEquals(21, btf.string("a\0b"), "a NUL would cut the string");

    byte[] blob = btf.toBytes();
    ByteBuffer b = read(blob);
    assertEquals(25, b.getInt(20));
    byte[] strings = new byte[25];
    System.arraycopy(blob, 24, strings, 0, 25);
    assertArrayEquals("\0Echo.java\0return x;\0a b\0".getBytes(StandardCharsets.UTF_8), strings);
  }

  @Test
  void typesAreEncodedWithIdsFromOne() {
    Btf btf = new Btf();
    int intType = btf.addInt("int", 4, true);
    int struct = btf.addEmptyStruct("__sk_buff");
    int pointer = btf.addPointer(struct);
    int proto = btf.addFuncProto(intType, List.of(new Btf.Param("ctx", pointer)));
    int func = btf.addFunc("echo", proto, Btf.Linkage.GLOBAL);

    assertEquals(List.of(1, 2, 3, 4, 5), List.of(intType, struct, pointer, proto, func));
    ByteBuffer b = read(btf.toBytes());
    int[] expected = {
      // INT "int": name_off 1, kind 1, size 4, encoding SIGNED << 24 | bits 32
      1,
      1 << 24,
      4,
      1 << 24 | 32,
      // STRUCT "__sk_buff": name_off 5, kind 4, vlen 0, size 0
      5,
      4 << 24,
      0,
      // PTR -> 2
      0,
      2 << 24,
      2,
      // FUNC_PROTO int (ctx: 3): kind 13, vlen 1, return 1, param { name_off 15 "ctx", type 3 }
      0,
      13 << 24 | 1,
      1,
      15,
      3,
      // FUNC "echo" global: kind 12, vlen = linkage 1, type 4
      19,
      12 << 24 | 1,
      4,
    };
    assertEquals(expected.length * 4, b.getInt(12), "type_len");
    assertEquals(expected.length * 4, b.getInt(16), "str_off follows the types");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], b.getInt(24 + 4 * i), "type word " + i);
    }
    int strings = 24 + expected.length * 4;
    byte[] blob = b.array();
    assertEquals(
        "\0int\0__sk_buff\0ctx\0echo\0",
        new String(blob, strings, blob.length - strings, StandardCharsets.UTF_8));
  }

  @Test
  void staticLinkageIsVlenZero() {
    Btf btf = new Btf();
    btf.addFunc("f", btf.addFuncProto(0, List.of()), Btf.Linkage.STATIC);
    ByteBuffer b = read(btf.toBytes());
    assertEquals(13 << 24, b.getInt(24 + 4), "FUNC_PROTO without params, void return");
    assertEquals(12 << 24, b.getInt(24 + 12 + 4), "FUNC, static");
  }

  @Test
  void typeNamesBecomeCIdentifiers() {
    assertEquals("echo", Btf.identifier("echo"));
    assertEquals("lambda_0", Btf.identifier("lambda$0"));
    assertEquals("_1st", Btf.identifier("1st"));
    assertEquals("caf_", Btf.identifier("café"));
    assertEquals("_", Btf.identifier(""));
  }
}
