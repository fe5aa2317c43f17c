package io.sockmap4j.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ObjectNamesTest {

  @Test
  void keepsTheKernelsCharacterSetAndFifteenCharacters() {
    assertEquals("sock_map.v2", ObjectNames.sanitize("sock_map.v2"));
    assertEquals("Echo_verdict_ma", ObjectNames.sanitize("Echo$verdict-map-long"));
    assertEquals("caf_", ObjectNames.sanitize("café"));
    assertEquals("", ObjectNames.sanitize(""));
  }
}
