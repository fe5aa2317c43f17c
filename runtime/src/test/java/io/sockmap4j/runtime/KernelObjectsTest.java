package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.testing.KernelTest;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KernelLeakCheck.class)
class KernelObjectsTest {

  @KernelTest
  void answersForLiveAndUnknownIds() {
    try (BpfObject object = BpfObject.load(TestSpecs.echo(TestNames.of("ksocks")))) {
      assertTrue(KernelObjects.programExists(object.programIds().get(0)));
      assertTrue(KernelObjects.mapExists(object.mapIds().get(0)));
    }
    assertFalse(KernelObjects.programExists(Integer.MAX_VALUE));
    assertFalse(KernelObjects.mapExists(Integer.MAX_VALUE));
  }
}
