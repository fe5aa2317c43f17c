package io.sockmap4j.runtime;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Kernel object names for this test JVM: a prefix no other process uses, so that {@link
 * KernelLeakCheck} finds exactly the objects these tests created.
 */
final class TestNames {

  /** {@code "t" + 4 hex digits + "_"}: 6 of the kernel's 15 name characters. */
  static final String PREFIX =
      String.format("t%04x_", ThreadLocalRandom.current().nextInt(0x10000));

  private TestNames() {}

  /** {@code base} with this JVM's prefix. */
  static String of(String base) {
    return PREFIX + base;
  }
}
