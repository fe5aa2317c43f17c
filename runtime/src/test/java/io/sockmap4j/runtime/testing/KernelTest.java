package io.sockmap4j.runtime.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that needs the real kernel: it creates maps, loads programs, or pushes bytes through
 * sockmaps. Use it instead of {@link Test}.
 *
 * <p>{@link KernelCheck} probes once per JVM whether the kernel lets this process work with
 * sockmaps. Where it does not, each such test is skipped with the reason, or fails with it when
 * {@code -Dsockmap4j.requireKernel=true} (CI sets this, so a skip can never pass silently there).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Test
@ExtendWith(KernelCheck.class)
public @interface KernelTest {}
