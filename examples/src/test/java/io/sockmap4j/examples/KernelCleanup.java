package io.sockmap4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.KernelObjects;
import java.util.List;

/** Checks that closing a handle left no program or map behind in the kernel. */
public final class KernelCleanup {
  private KernelCleanup() {}

  /** The kernel ids an object holds, captured before it is closed. */
  public record Ids(List<Integer> programs, List<Integer> maps) {
    public static Ids of(BpfObject object) {
      return new Ids(List.copyOf(object.programIds()), List.copyOf(object.mapIds()));
    }
  }

  /** Waits (up to 2 s: the kernel frees objects after an RCU grace period) until all are gone. */
  public static void assertFreed(Ids ids) throws InterruptedException {
    assertTrue(!ids.programs().isEmpty() || !ids.maps().isEmpty(), "no ids were captured");
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (ids.programs().stream().noneMatch(KernelObjects::programExists)
          && ids.maps().stream().noneMatch(KernelObjects::mapExists)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        "still loaded after close(): programs "
            + ids.programs().stream().filter(KernelObjects::programExists).toList()
            + ", maps "
            + ids.maps().stream().filter(KernelObjects::mapExists).toList());
  }
}
