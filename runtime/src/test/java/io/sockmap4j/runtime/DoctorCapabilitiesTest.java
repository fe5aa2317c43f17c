package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DoctorCapabilitiesTest {

  private static final String ROOT_WITHOUT_SYS_RESOURCE =
      "Name:\tjava\nCapInh:\t0000000000000000\nCapPrm:\t000001fffeffffff\n"
          + "CapEff:\t000001fffeffffff\nCapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\n";

  @Test
  void rootReadsAsEverythingSockmap4jNeeds() {
    DoctorCapabilities caps = DoctorCapabilities.parseStatus(ROOT_WITHOUT_SYS_RESOURCE).get();
    assertEquals(0x000001fffeffffffL, caps.effective());
    assertTrue(caps.sufficient());
    assertFalse(caps.has(24), "CAP_SYS_RESOURCE is bit 24, cleared in this mask");
    assertEquals(
        "CapEff 000001fffeffffff: CAP_BPF yes, CAP_NET_ADMIN yes, CAP_SYS_ADMIN yes,"
            + " CAP_PERFMON yes",
        caps.describe());
  }

  @Test
  void bpfAndNetAdminAloneAreEnough() {
    long mask = 1L << 39 | 1L << 12;
    DoctorCapabilities caps = parse(String.format("%016x", mask)).get();
    assertTrue(caps.sufficient());
    assertEquals(
        "CapEff 0000008000001000: CAP_BPF yes, CAP_NET_ADMIN yes, CAP_SYS_ADMIN no,"
            + " CAP_PERFMON no",
        caps.describe());
  }

  @Test
  void sysAdminStandsInForBothOnOldKernels() {
    assertTrue(parse(String.format("%016x", 1L << 21)).get().sufficient());
  }

  @Test
  void bpfWithoutNetAdminIsNotEnough() {
    DoctorCapabilities caps = parse("000001fffedfefff").get();
    assertTrue(caps.has(DoctorCapabilities.CAP_BPF));
    assertFalse(caps.has(DoctorCapabilities.CAP_NET_ADMIN));
    assertFalse(caps.sufficient());
  }

  @Test
  void anUnprivilegedProcessHasNothing() {
    assertFalse(parse("0000000000000000").get().sufficient());
  }

  @Test
  void aStatusWithoutCapEffHasNoAnswer() {
    assertEquals(Optional.empty(), DoctorCapabilities.parseStatus("Name:\tjava\nCapPrm:\t0\n"));
  }

  private static Optional<DoctorCapabilities> parse(String mask) {
    return DoctorCapabilities.parseStatus("Name:\tx\nCapEff:\t" + mask + "\nCapBnd:\t0\n");
  }
}
