package io.sockmap4j.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The number of possible CPUs, as the kernel counts them for per-CPU map values: the CPUs listed in
 * {@code /sys/devices/system/cpu/possible} ("0-3", "0,2-5"), online or not.
 */
final class PossibleCpus {
  private static final Path POSSIBLE = Path.of("/sys/devices/system/cpu/possible");
  private static volatile int count;

  private PossibleCpus() {}

  /** The count, read once. */
  static int count() {
    int n = count;
    if (n == 0) {
      try {
        n = parse(Files.readString(POSSIBLE));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read " + POSSIBLE + ", which per-CPU maps need to size their values", e);
      }
      count = n;
    }
    return n;
  }

  /** The number of CPUs in a kernel CPU list such as {@code "0-3,8,10-11"}. */
  static int parse(String list) {
    int n = 0;
    for (String part : list.strip().split(",")) {
      if (part.isEmpty()) {
        continue;
      }
      int dash = part.indexOf('-');
      if (dash < 0) {
        Integer.parseInt(part);
        n++;
      } else {
        int first = Integer.parseInt(part.substring(0, dash));
        int last = Integer.parseInt(part.substring(dash + 1));
        if (last < first) {
          throw new IllegalArgumentException("bad CPU range '" + part + "' in '" + list + "'");
        }
        n += last - first + 1;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("no CPUs in '" + list + "'");
    }
    return n;
  }
}
