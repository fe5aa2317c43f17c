package io.sockmap4j.runtime;

import io.sockmap4j.runtime.ObjectSpec.LineEntry;
import io.sockmap4j.runtime.ObjectSpec.MapSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.ObjectSpec.Relocation;
import io.sockmap4j.runtime.testing.RawInsns;
import java.util.List;

/** Hand-assembled programs and the specs around them. */
final class TestSpecs {

  static final int SOCKMAP = 15;
  static final int SOCKHASH = 18;
  static final int ARRAY = 2;
  static final int SK_SKB = 14;
  static final int SK_MSG = 16;
  static final int STREAM_PARSER = 4;
  static final int STREAM_VERDICT = 5;
  static final int SK_MSG_VERDICT = 7;
  static final int SK_REDIRECT_MAP = 52;
  static final String SOURCE = "TestSpecs.java";

  private TestSpecs() {}

  static MapSpec sockmap(String name, int maxEntries) {
    return new MapSpec(name, SOCKMAP, 4, 8, maxEntries, 0);
  }

  static MapSpec sockhash(String name, int keySize, int maxEntries) {
    return new MapSpec(name, SOCKHASH, keySize, 8, maxEntries, 0);
  }

  /**
   * SK_SKB stream verdict {@code return bpf_sk_redirect_map(skb, map, 0, 0)}: every byte goes out
   * through the socket at index 0 (back to its peer when that is the receiving socket).
   */
  static ProgramSpec redirectToIndex0(String name, int mapIndex) {
    RawInsns insns =
        new RawInsns().loadMap(2).movImm(3, 0).movImm(4, 0).call(SK_REDIRECT_MAP).exit();
    return new ProgramSpec(
        name,
        SK_SKB,
        0,
        STREAM_VERDICT,
        mapIndex,
        SOURCE,
        insns.bytes(),
        List.of(new Relocation(0, mapIndex)),
        List.of(new LineEntry(0, 10, 5)));
  }

  /** SK_SKB stream parser {@code return skb->len}: each skb is one message. */
  static ProgramSpec lengthParser(String name, int mapIndex) {
    RawInsns insns = new RawInsns().loadWord(0, 1, 0).exit();
    return new ProgramSpec(
        name, SK_SKB, 0, STREAM_PARSER, mapIndex, SOURCE, insns.bytes(), List.of(), List.of());
  }

  /** A program of {@code type} returning 1 (SK_PASS), attached with {@code attachType}. */
  static ProgramSpec pass(String name, int type, int attachType, int mapIndex) {
    RawInsns insns = new RawInsns().movImm(0, 1).exit();
    return new ProgramSpec(
        name, type, 0, attachType, mapIndex, SOURCE, insns.bytes(), List.of(), List.of());
  }

  /** A SOCKMAP named {@code mapName} whose verdict echoes everything to index 0. */
  static ObjectSpec echo(String mapName) {
    return echo(mapName, TestNames.of("echo"));
  }

  /** {@link #echo(String)} with the verdict program named {@code programName}. */
  static ObjectSpec echo(String mapName, String programName) {
    return new ObjectSpec(
        "GPL", List.of(sockmap(mapName, 4)), List.of(redirectToIndex0(programName, 0)));
  }

  /** {@link #echo} with a stream parser that passes each skb as a message. */
  static ObjectSpec echoWithParser(String mapName) {
    return new ObjectSpec(
        "GPL",
        List.of(sockmap(mapName, 4)),
        List.of(lengthParser(TestNames.of("parse"), 0), redirectToIndex0(TestNames.of("echo"), 0)));
  }
}
