package io.sockmap4j.runtime.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a BTF blob ({@code BPF_BTF_LOAD}) holding just what a program's line and function info
 * refer to: a few types and a string table.
 *
 * <p>The layout, all integers in the host's byte order (the kernel rejects a foreign byte order),
 * from {@code include/uapi/linux/btf.h}:
 *
 * <pre>
 * header (24 bytes)
 *   u16 magic 0xEB9F | u8 version 1 | u8 flags 0 | u32 hdr_len 24
 *   u32 type_off 0   | u32 type_len | u32 str_off = type_len | u32 str_len
 * type section: one entry per type, ids counting from 1 (id 0 is void)
 *   struct btf_type { u32 name_off | u32 info | u32 size_or_type }  + kind-specific data
 *   info = vlen (bits 0-15) | kind (bits 24-28) | kind_flag (bit 31)
 *   INT        (kind 1)  + u32 encoding << 24 | offset << 16 | bits
 *   PTR        (kind 2)  type = pointee
 *   STRUCT     (kind 4)  size, + vlen members (none here)
 *   FUNC       (kind 12) vlen = linkage (0 static, 1 global), type = its FUNC_PROTO
 *   FUNC_PROTO (kind 13) type = return type, + vlen * { u32 name_off | u32 type }
 * string section: NUL-terminated strings; offset 0 is the empty string
 * </pre>
 *
 * <p>Sections follow the header without gaps, as the kernel requires. Strings are deduplicated.
 * Type names must be C identifiers ({@link #identifier}); line-info strings (file names, source
 * text) may be anything without a NUL.
 */
public final class Btf {

  static final int MAGIC = 0xEB9F;
  static final int VERSION = 1;
  static final int HEADER_LEN = 24;

  static final int KIND_INT = 1;
  static final int KIND_PTR = 2;
  static final int KIND_STRUCT = 4;
  static final int KIND_FUNC = 12;
  static final int KIND_FUNC_PROTO = 13;

  /** {@code BTF_INT_SIGNED}, in the encoding byte of an INT. */
  static final int INT_SIGNED = 1;

  /** The linkage of a FUNC, its {@code vlen}. */
  public enum Linkage {
    STATIC,
    GLOBAL
  }

  /** A FUNC_PROTO parameter: a name (may be empty) and a type id. */
  public record Param(String name, int type) {}

  private final ByteArrayOutputStream types = new ByteArrayOutputStream();
  private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
  private final Map<String, Integer> stringOffsets = new HashMap<>();
  private int nextTypeId = 1;

  /** An empty blob: no types, a string table holding only the empty string. */
  public Btf() {
    strings.write(0);
    stringOffsets.put("", 0);
  }

  /**
   * The offset of {@code text} in the string table, adding it if new. A NUL in {@code text} (it
   * would end the string early) becomes a space.
   */
  public int string(String text) {
    String clean = text.replace('\0', ' ');
    Integer known = stringOffsets.get(clean);
    if (known != null) {
      return known;
    }
    int offset = strings.size();
    strings.writeBytes(clean.getBytes(StandardCharsets.UTF_8));
    strings.write(0);
    stringOffsets.put(clean, offset);
    return offset;
  }

  /** Adds an INT of {@code bytes} bytes; returns its type id. */
  public int addInt(String name, int bytes, boolean signed) {
    int encoding = signed ? INT_SIGNED : 0;
    return addType(string(name), info(KIND_INT, 0, false), bytes, encoding << 24 | bytes * 8);
  }

  /** Adds a pointer to type {@code target} (0 for {@code void *}); returns its type id. */
  public int addPointer(int target) {
    return addType(0, info(KIND_PTR, 0, false), target);
  }

  /**
   * Adds {@code struct name} with no members and size 0: enough for the kernel to match a context
   * argument by name; returns its type id.
   */
  public int addEmptyStruct(String name) {
    return addType(string(name), info(KIND_STRUCT, 0, false), 0);
  }

  /** Adds a function prototype; returns its type id. */
  public int addFuncProto(int returnType, List<Param> params) {
    int[] words = new int[3 + 2 * params.size()];
    words[0] = 0;
    words[1] = info(KIND_FUNC_PROTO, params.size(), false);
    words[2] = returnType;
    for (int i = 0; i < params.size(); i++) {
      words[3 + 2 * i] = string(params.get(i).name());
      words[4 + 2 * i] = params.get(i).type();
    }
    return addType(words);
  }

  /** Adds a function named {@code name} of prototype {@code protoType}; returns its type id. */
  public int addFunc(String name, int protoType, Linkage linkage) {
    return addType(string(name), info(KIND_FUNC, linkage.ordinal(), false), protoType);
  }

  /** The blob: header, type section, string section. */
  public byte[] toBytes() {
    byte[] typeBytes = types.toByteArray();
    byte[] stringBytes = strings.toByteArray();
    ByteBuffer out =
        ByteBuffer.allocate(HEADER_LEN + typeBytes.length + stringBytes.length)
            .order(ByteOrder.nativeOrder());
    out.putShort((short) MAGIC);
    out.put((byte) VERSION);
    out.put((byte) 0);
    out.putInt(HEADER_LEN);
    out.putInt(0);
    out.putInt(typeBytes.length);
    out.putInt(typeBytes.length);
    out.putInt(stringBytes.length);
    out.put(typeBytes);
    out.put(stringBytes);
    return out.array();
  }

  /**
   * {@code name} as a C identifier, which the kernel requires of type names: characters other than
   * {@code [A-Za-z0-9_]} become {@code _}, and a leading digit gets a {@code _} prefix. Java
   * identifiers may hold {@code $} and non-ASCII letters.
   */
  public static String identifier(String name) {
    StringBuilder out = new StringBuilder(name.length() + 1);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '_');
      out.append(ok ? c : '_');
    }
    if (out.length() == 0 || Character.isDigit(out.charAt(0))) {
      out.insert(0, '_');
    }
    return out.toString();
  }

  static int info(int kind, int vlen, boolean kindFlag) {
    return (kindFlag ? 1 << 31 : 0) | kind << 24 | vlen;
  }

  private int addType(int... words) {
    ByteBuffer entry = ByteBuffer.allocate(4 * words.length).order(ByteOrder.nativeOrder());
    for (int word : words) {
      entry.putInt(word);
    }
    types.writeBytes(entry.array());
    return nextTypeId++;
  }
}
