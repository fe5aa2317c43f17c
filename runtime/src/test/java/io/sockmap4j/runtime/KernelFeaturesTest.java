package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.KernelFeatures.Support;
import io.sockmap4j.runtime.internal.MemlockLimit;
import io.sockmap4j.runtime.testing.KernelTest;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each probe on this machine (Linux 6.18, root): the kernel supports everything, and the probe
 * objects, named with this JVM's test prefix, are gone afterwards ({@link KernelLeakCheck}).
 */
@ExtendWith(KernelLeakCheck.class)
class KernelFeaturesTest {

  private static final Pattern ID = Pattern.compile("(map|program) ids? (\\d+)");

  private final KernelFeatures features = new KernelFeatures(TestNames.PREFIX);

  @KernelTest
  void bpfSyscallCreatesAndFreesAMap() {
    assertFreedObject(features::bpfSyscall, "created an ARRAY map");
  }

  @KernelTest
  void sockmap() {
    assertFreedObject(features::sockmap, "created a SOCKMAP");
  }

  @KernelTest
  void sockhash() {
    assertFreedObject(features::sockhash, "created a SOCKHASH");
  }

  @KernelTest
  void streamParserAndVerdict() {
    assertFreedObject(features::streamParserAndVerdict, "loaded SK_SKB parser and verdict");
  }

  @KernelTest
  void skbVerdict() {
    assertFreedObject(features::skbVerdict, "attached it as BPF_SK_SKB_VERDICT");
  }

  @KernelTest
  void skMsg() {
    assertFreedObject(features::skMsg, "loaded an SK_MSG program");
  }

  @KernelTest
  void sockmapLink() {
    assertFreedObject(features::sockmapLink, "created a bpf_link");
  }

  @KernelTest
  void btfLineInfo() {
    assertFreedObject(features::btfLineInfo, "1 line-info record(s)");
  }

  @KernelTest
  void socketInsertCarriesBytes() {
    Support support = features.socketInsert();
    assertTrue(support.supported(), support.detail());
    assertTrue(support.detail().contains("sent 4 bytes through"), support.detail());
  }

  @KernelTest
  void memcgAccountingOnThisKernelAndTheLimitIsRestored() {
    MemlockLimit before = KernelFeatures.memlockLimit();
    Support support = features.memcgAccounting();
    assertEquals(before, KernelFeatures.memlockLimit());
    assertTrue(support.supported(), support.detail());
    assertEquals(
        "created an ARRAY map with RLIMIT_MEMLOCK at 0: BPF memory is charged to the memory"
            + " cgroup",
        support.detail());
  }

  /**
   * The probe succeeded, and the object whose id it reported no longer exists (the kernel frees it
   * after an RCU grace period).
   */
  private static void assertFreedObject(Supplier<Support> probe, String expected) {
    Support support = probe.get();
    assertTrue(support.supported(), support.detail());
    assertEquals(0, support.errno());
    assertTrue(support.detail().contains(expected), support.detail());
    Matcher m = ID.matcher(support.detail());
    assertTrue(m.find(), support.detail());
    int id = Integer.parseInt(m.group(2));
    boolean map = m.group(1).equals("map");
    long deadline = System.nanoTime() + KernelLeakCheck.GRACE_MILLIS * 1_000_000;
    while (exists(map, id) && System.nanoTime() < deadline) {
      sleepBriefly();
    }
    assertTrue(!exists(map, id), (map ? "map " : "program ") + id + " still exists");
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static boolean exists(boolean map, int id) {
    return map ? KernelObjects.mapExists(id) : KernelObjects.programExists(id);
  }
}
