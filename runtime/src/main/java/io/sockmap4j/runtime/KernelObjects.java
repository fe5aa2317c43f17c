package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.LibC;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.IntFunction;

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

  /**
   * The ids of every program loaded in the kernel, by any process, in ascending order (what {@code
   * bpftool prog show} lists).
   */
  public static List<Integer> programIds() {
    return ids(Bpf::progNextId);
  }

  /** The ids of every map in the kernel, by any process, in ascending order. */
  public static List<Integer> mapIds() {
    return ids(Bpf::mapNextId);
  }

  private static List<Integer> ids(IntFunction<OptionalInt> next) {
    List<Integer> ids = new ArrayList<>();
    for (OptionalInt id = next.apply(0); id.isPresent(); id = next.apply(id.getAsInt())) {
      ids.add(id.getAsInt());
    }
    return ids;
  }

  private static boolean closeIfPresent(OptionalInt fd) {
    fd.ifPresent(LibC.INSTANCE::close);
    return fd.isPresent();
  }
}
