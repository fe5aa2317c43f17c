package io.sockmap4j.processor.semantics;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/** Prints the seed of a failed property run, with the annotation that replays it. */
final class SeedReport implements AroundPropertyHook {
  @Override
  public PropertyExecutionResult aroundProperty(
      PropertyLifecycleContext context, PropertyExecutor property) {
    PropertyExecutionResult result = property.execute();
    if (result.status() == PropertyExecutionResult.Status.FAILED) {
      String seed = result.seed().orElse("(unknown)");
      System.out.println(
          "differential: "
              + context.extendedLabel()
              + " FAILED with seed "
              + seed
              + "; replay it with @Property(seed = \""
              + seed
              + "\"), or -Djqwik.seeds.whenfixed=ALLOW and the seed in the annotation");
    }
    return result;
  }
}
