package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.LibC;
import java.util.OptionalInt;

/**
 * Asks the kernel whether programs and maps still exist, by id.
 *
 * <p>The kernel frees a closed object after an RCU grace period: right after {@link
 * BpfObject#close()} its ids may still exist for a moment, so callers that check for cleanup should
 * poll (a couple of seconds is plenty).
 */
public final class KernelObjects {

  private KernelObjects() {}

  /** Whether a program with kernel id {@code id} exists. */
  public static boolean programExists(int id) {
    return closeIfPresent(Bpf.progFdById(id));
  }

  /** Whether a map with kernel id {@code id} exists. */
  public static boolean mapExists(int id) {
    return closeIfPresent(Bpf.mapFdById(id));
  }

  private static boolean closeIfPresent(OptionalInt fd) {
    fd.ifPresent(LibC.INSTANCE::close);
    return fd.isPresent();
  }
}
