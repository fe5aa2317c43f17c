package io.sockmap4j.runtime;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The effective capability set of a process, from the {@code CapEff:} line of {@code
 * /proc/<pid>/status} (a hexadecimal bit mask, bit N = capability number N of {@code
 * linux/capability.h}).
 *
 * <p>sockmap4j needs CAP_BPF (Linux 5.8+; CAP_SYS_ADMIN before, and still accepted) to load
 * programs, and CAP_NET_ADMIN (or CAP_SYS_ADMIN) to create sockmaps and load SK_SKB/SK_MSG
 * programs. CAP_PERFMON is reported for information: sockmap4j does not need it.
 *
 * @param effective the CapEff bit mask
 */
record DoctorCapabilities(long effective) {

  static final int CAP_NET_ADMIN = 12;
  static final int CAP_SYS_ADMIN = 21;
  static final int CAP_PERFMON = 38;
  static final int CAP_BPF = 39;

  private static final Pattern CAP_EFF =
      Pattern.compile("^CapEff:\\s*([0-9a-fA-F]{1,16})\\s*$", Pattern.MULTILINE);

  /** The CapEff mask of a {@code /proc/<pid>/status} text, empty when it has none. */
  static Optional<DoctorCapabilities> parseStatus(String status) {
    Matcher m = CAP_EFF.matcher(status);
    return m.find()
        ? Optional.of(new DoctorCapabilities(Long.parseUnsignedLong(m.group(1), 16)))
        : Optional.empty();
  }

  boolean has(int capability) {
    return (effective >>> capability & 1) != 0;
  }

  /** CAP_BPF or CAP_SYS_ADMIN: may load programs and create maps. */
  boolean mayUseBpf() {
    return has(CAP_BPF) || has(CAP_SYS_ADMIN);
  }

  /** CAP_NET_ADMIN or CAP_SYS_ADMIN: may create sockmaps and load sockmap program types. */
  boolean mayUseNetworking() {
    return has(CAP_NET_ADMIN) || has(CAP_SYS_ADMIN);
  }

  /** Whether the set is enough for sockmap4j. */
  boolean sufficient() {
    return mayUseBpf() && mayUseNetworking();
  }

  /** {@code "CapEff 000001fffeffffff: CAP_BPF yes, CAP_NET_ADMIN yes, ..."}. */
  String describe() {
    return String.format(
        "CapEff %016x: CAP_BPF %s, CAP_NET_ADMIN %s, CAP_SYS_ADMIN %s, CAP_PERFMON %s",
        effective, yesNo(CAP_BPF), yesNo(CAP_NET_ADMIN), yesNo(CAP_SYS_ADMIN), yesNo(CAP_PERFMON));
  }

  private String yesNo(int capability) {
    return has(capability) ? "yes" : "no";
  }
}
