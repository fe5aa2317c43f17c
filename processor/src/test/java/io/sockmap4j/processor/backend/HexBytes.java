package io.sockmap4j.processor.backend;

import java.util.HexFormat;

/** Hex strings for expected bytes: pairs separated by spaces, slots optionally by {@code |}. */
final class HexBytes {
  private HexBytes() {}

  static byte[] parse(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
  }

  /** Formats as the tests write it: bytes separated by spaces, slots by {@code " | "}. */
  static String format(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes.length; i++) {
      if (i > 0) {
        out.append(i % 8 == 0 ? " | " : " ");
      }
      out.append(HexFormat.of().toHexDigits(bytes[i]));
    }
    return out.toString();
  }
}
