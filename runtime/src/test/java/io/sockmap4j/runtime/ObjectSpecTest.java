package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.ObjectSpec.LineEntry;
import io.sockmap4j.runtime.ObjectSpec.MapSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.ObjectSpec.Relocation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectSpecTest {

  private static final byte[] INSNS = {
    0x18,
    0x12,
    0,
    0,
    0,
    0,
    0,
    0, // r2 = map ll (slot 0)
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0, // (slot 1)
    (byte) 0x95,
    0,
    0,
    0,
    0,
    0,
    0,
    0, // exit
  };

  private static ObjectSpec sample() {
    return new ObjectSpec(
        "GPL",
        List.of(new MapSpec("sockets", 15, 4, 8, 2, 0), new MapSpec("peers", 18, 6, 8, 64, 0)),
        List.of(
            new ProgramSpec(
                "verdict",
                14,
                0,
                5,
                1,
                "Echo.java",
                INSNS,
                List.of(new Relocation(0, 1)),
                List.of(
                    new LineEntry(0, 12, 5, "return redirect(sockets, 0);"),
                    new LineEntry(2, 13, 9, "}")))));
  }

  /** The layout of the class Javadoc, written field by field, independent of {@code write}. */
  private static byte[] sampleBytesByHand() throws IOException {
    return sampleBytesByHand(2);
  }

  /** Version 1 has no source texts; version 2 adds a text table and an index per line. */
  private static byte[] sampleBytesByHand(int version) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(0x534D344A);
    out.writeShort(version);
    out.writeUTF("GPL");
    out.writeShort(2);
    out.writeUTF("sockets");
    for (int v : new int[] {15, 4, 8, 2, 0}) {
      out.writeInt(v);
    }
    out.writeUTF("peers");
    for (int v : new int[] {18, 6, 8, 64, 0}) {
      out.writeInt(v);
    }
    out.writeShort(1);
    out.writeUTF("verdict");
    out.writeInt(14);
    out.writeInt(0);
    out.writeInt(5);
    out.writeShort(1);
    out.writeUTF("Echo.java");
    out.writeInt(3);
    out.write(INSNS);
    out.writeShort(1);
    out.writeInt(0);
    out.writeShort(1);
    if (version == 1) {
      out.writeInt(2);
      for (int v : new int[] {0, 12, 5, 2, 13, 9}) {
        out.writeInt(v);
      }
    } else {
      out.writeInt(2);
      out.writeUTF("return redirect(sockets, 0);");
      out.writeUTF("}");
      out.writeInt(2);
      for (int v : new int[] {0, 12, 5, 0, 2, 13, 9, 1}) {
        out.writeInt(v);
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void readsTheDocumentedLayout() throws IOException {
    ObjectSpec spec = ObjectSpec.read(new ByteArrayInputStream(sampleBytesByHand()));

    assertEquals("GPL", spec.license());
    assertEquals(sample().maps(), spec.maps());
    ProgramSpec program = spec.programs().get(0);
    assertEquals("verdict", program.name());
    assertEquals(14, program.progType());
    assertEquals(5, program.attachType());
    assertEquals(1, program.attachMapIndex());
    assertEquals("Echo.java", program.sourceFile());
    assertArrayEquals(INSNS, program.insns());
    assertEquals(List.of(new Relocation(0, 1)), program.relocations());
    assertEquals(sample().programs().get(0).lines(), program.lines());
    assertEquals("return redirect(sockets, 0);", program.lines().get(0).source());
    assertEquals(sample().programs(), spec.programs());
  }

  @Test
  void readsVersionOneWithoutSourceText() throws IOException {
    ObjectSpec spec = ObjectSpec.read(new ByteArrayInputStream(sampleBytesByHand(1)));

    assertEquals(
        List.of(new LineEntry(0, 12, 5, ""), new LineEntry(2, 13, 9, "")),
        spec.programs().get(0).lines());
    assertArrayEquals(INSNS, spec.programs().get(0).insns());
  }

  @Test
  void sharesOneTextBetweenEntriesOfTheSameLine() throws IOException {
    ProgramSpec twoColumns =
        new ProgramSpec(
            "p",
            14,
            0,
            5,
            ProgramSpec.NOT_ATTACHED,
            "P.java",
            INSNS,
            List.of(),
            List.of(
                new LineEntry(0, 3, 5, "int x = a + b;"),
                new LineEntry(2, 3, 13, "int x = a + b;")));
    ObjectSpec spec = new ObjectSpec("GPL", List.of(), List.of(twoColumns));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    spec.write(out);
    byte[] bytes = out.toByteArray();

    String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertEquals(text.indexOf("int x = a + b;"), text.lastIndexOf("int x = a + b;"));
    assertEquals(spec.programs(), ObjectSpec.read(new ByteArrayInputStream(bytes)).programs());
  }

  @Test
  void aTextIndexOutOfRangeIsAnIoException() throws IOException {
    byte[] bytes = sampleBytesByHand();
    bytes[bytes.length - 1] = 5; // the last line's text index
    IOException e =
        assertThrows(IOException.class, () -> ObjectSpec.read(new ByteArrayInputStream(bytes)));
    assertTrue(e.getMessage().contains("refers to source text #5 of 2"), e::getMessage);
  }

  @Test
  void sourceTextIsOneLine() {
    assertThrows(IllegalArgumentException.class, () -> new LineEntry(0, 1, 1, "a\nb"));
  }

  @Test
  void writesTheDocumentedLayout() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sample().write(out);
    assertArrayEquals(sampleBytesByHand(), out.toByteArray());
  }

  @Test
  void rejectsAnotherMagicNamingTheFix() throws IOException {
    byte[] bytes = sampleBytesByHand();
    bytes[0] = 'X';
    IOException e =
        assertThrows(IOException.class, () -> ObjectSpec.read(new ByteArrayInputStream(bytes)));
    assertTrue(
        e.getMessage().startsWith("not a sockmap4j object: magic is 0x584D344A"), e::getMessage);
    assertTrue(e.getMessage().contains("rebuild with the matching processor version"));
  }

  @Test
  void rejectsAnotherVersionNamingTheFix() throws IOException {
    byte[] bytes = sampleBytesByHand();
    bytes[5] = 3;
    IOException e =
        assertThrows(IOException.class, () -> ObjectSpec.read(new ByteArrayInputStream(bytes)));
    assertTrue(
        e.getMessage().startsWith("not a sockmap4j object: format version 3"), e::getMessage);
    assertTrue(e.getMessage().contains("rebuild with the matching processor version"));
  }

  @Test
  void truncatedStreamIsAnIoException() throws IOException {
    byte[] bytes = sampleBytesByHand();
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 5);
    assertThrows(EOFException.class, () -> ObjectSpec.read(new ByteArrayInputStream(truncated)));
  }

  @Test
  void inconsistentIndexesAreAnIoExceptionWhenRead() throws IOException {
    byte[] bytes = sampleBytesByHand();
    // The relocation's u16 mapIndex sits right before the text table and the line table.
    int textTable = 4 + (2 + "return redirect(sockets, 0);".length()) + (2 + 1);
    int mapIndexOffset = bytes.length - 4 - 8 * 4 - textTable - 2;
    bytes[mapIndexOffset + 1] = 7;
    IOException e =
        assertThrows(IOException.class, () -> ObjectSpec.read(new ByteArrayInputStream(bytes)));
    assertTrue(e.getMessage().contains("refers to map #7 of 2"), e::getMessage);
  }

  @Test
  void validatesRelocationsAndAttachIndexes() {
    ProgramSpec lastSlot =
        new ProgramSpec(
            "p", 14, 0, 5, 0, "P.java", INSNS, List.of(new Relocation(2, 0)), List.of());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ObjectSpec(
                    "GPL", List.of(new MapSpec("m", 15, 4, 8, 1, 0)), List.of(lastSlot)));
    assertTrue(e.getMessage().contains("an ld_imm64 takes two slots"), e::getMessage);

    ProgramSpec attachedNowhere =
        new ProgramSpec("p", 14, 0, 5, 3, "P.java", INSNS, List.of(), List.of());
    assertThrows(
        IllegalArgumentException.class,
        () -> new ObjectSpec("GPL", List.of(), List.of(attachedNowhere)));

    assertThrows(
        IllegalArgumentException.class,
        () -> new ProgramSpec("p", 14, 0, 5, 0, "P.java", new byte[12], List.of(), List.of()));
  }

  @Test
  void unattachedProgramsRoundTrip() throws IOException {
    ProgramSpec loose =
        new ProgramSpec(
            "loose", 14, 0, 5, ProgramSpec.NOT_ATTACHED, "P.java", INSNS, List.of(), List.of());
    ObjectSpec spec = new ObjectSpec("Dual BSD/GPL", List.of(), List.of(loose));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    spec.write(out);
    ObjectSpec read = ObjectSpec.read(new ByteArrayInputStream(out.toByteArray()));
    assertEquals(spec.programs(), read.programs());
    assertEquals(false, read.programs().get(0).isAttached());
  }

  @Test
  void rejectsDuplicateMapNames() {
    MapSpec map = new MapSpec("same", 15, 4, 8, 1, 0);
    assertThrows(
        IllegalArgumentException.class, () -> new ObjectSpec("GPL", List.of(map, map), List.of()));
  }

  @Test
  void programSpecDoesNotShareItsInstructionArray() {
    byte[] insns = INSNS.clone();
    ProgramSpec spec = new ProgramSpec("p", 14, 0, 5, 0, "P.java", insns, List.of(), List.of());
    insns[0] = 0;
    spec.insns()[1] = 0;
    assertArrayEquals(INSNS, spec.insns());
  }
}
