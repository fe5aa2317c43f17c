package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.fail;

import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.LibC;
import io.sockmap4j.runtime.internal.ObjectInfo;
import io.sockmap4j.runtime.testing.KernelCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves a program or map named with {@link TestNames#PREFIX} in the kernel,
 * after giving the kernel {@link #GRACE_MILLIS} to free closed objects (RCU).
 */
final class KernelLeakCheck implements AfterEachCallback {

  static final long GRACE_MILLIS = 2000;

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    if (KernelCheck.refusal() != null) {
      return;
    }
    long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000;
    List<String> left = leftovers();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
      left = leftovers();
    }
    if (!left.isEmpty()) {
      fail("the test left kernel objects behind: " + left);
    }
  }

  /** Programs and maps of this JVM that still exist, as {@code "prog 12 name"}. */
  static List<String> leftovers() {
    return leftovers(TestNames.PREFIX);
  }

  /** Programs and maps whose names start with {@code prefix}, as {@code "prog 12 name"}. */
  static List<String> leftovers(String prefix) {
    List<String> found = new ArrayList<>();
    scan("prog", Bpf::progNextId, Bpf::progFdById, Bpf::progInfo, prefix, found);
    scan("map", Bpf::mapNextId, Bpf::mapFdById, Bpf::mapInfo, prefix, found);
    return found;
  }

  /** {@link #leftovers(String)}, polled until empty or {@link #GRACE_MILLIS} have passed. */
  static List<String> leftoversAfterGrace(String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000;
    List<String> left = leftovers(prefix);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
      left = leftovers(prefix);
    }
    return left;
  }

  private static void scan(
      String kind,
      IntFunction<OptionalInt> nextId,
      IntFunction<OptionalInt> fdById,
      IntFunction<ObjectInfo> info,
      String prefix,
      List<String> found) {
    for (OptionalInt id = nextId.apply(0); id.isPresent(); id = nextId.apply(id.getAsInt())) {
      OptionalInt fd = fdById.apply(id.getAsInt());
      if (fd.isEmpty()) {
        continue;
      }
      try {
        ObjectInfo object = info.apply(fd.getAsInt());
        if (object.name().startsWith(prefix)) {
          found.add(kind + " " + object.id() + " " + object.name());
        }
      } finally {
        LibC.INSTANCE.close(fd.getAsInt());
      }
    }
  }
}
