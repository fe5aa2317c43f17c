package io.sockmap4j.processor.semantics;

import io.sockmap4j.runtime.testing.KernelCheck;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * {@code @KernelTest} for jqwik properties: where the kernel refuses sockmap work, the property is
 * skipped with the reason, unless {@code -Dsockmap4j.requireKernel=true}, in which case it runs and
 * its first statement, {@link KernelCheck#assumeKernel()}, fails it with the reason.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@AddLifecycleHook(KernelProperty.Skip.class)
@interface KernelProperty {

  /** Skips the property when the kernel refuses and kernel tests are not required. */
  final class Skip implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      String refusal = KernelCheck.refusal();
      if (refusal == null || KernelCheck.isRequired()) {
        return SkipResult.doNotSkip();
      }
      return SkipResult.skip("kernel test skipped: " + refusal);
    }
  }
}
