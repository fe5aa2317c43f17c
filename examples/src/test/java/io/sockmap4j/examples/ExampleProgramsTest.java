package io.sockmap4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.bypass.BypassLoader;
import io.sockmap4j.examples.echo.EchoLoader;
import io.sockmap4j.examples.proxy.SpliceLoader;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.testing.KernelTest;
import java.util.List;

/** Every example program passes the real verifier, and closing frees every kernel object. */
class ExampleProgramsTest {

  @KernelTest
  void echoLoadsAndFrees() throws Exception {
    check(EchoLoader.attach(), List.of("parse", "echo"));
  }

  @KernelTest
  void spliceLoadsAndFrees() throws Exception {
    check(SpliceLoader.attach(), List.of("forward"));
  }

  @KernelTest
  void bypassLoadsAndFrees() throws Exception {
    check(BypassLoader.attach(), List.of("shortCircuit"));
  }

  private static void check(AutoCloseable loader, List<String> programs) throws Exception {
    BpfObject object;
    KernelCleanup.Ids ids;
    try (loader) {
      object = (BpfObject) loader.getClass().getMethod("object").invoke(loader);
      assertEquals(programs, object.programNames());
      ids = KernelCleanup.Ids.of(object);
      assertEquals(programs.size(), ids.programs().size());
      assertTrue(object.listing().contains("program " + programs.get(0)), object.listing());
    }
    assertTrue(object.isClosed());
    object.close(); // idempotent
    KernelCleanup.assertFreed(ids);
  }
}
