package io.sockmap4j;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a kernel {@code BPF_MAP_TYPE_PERCPU_ARRAY}: an {@link BpfArray} with one value per CPU
 * at each index. Programs see and change the value of the CPU they run on, so counters never
 * contend; the Loader reads every CPU's value and can sum them.
 *
 * <p>Put it on a {@code static} field of type {@link PerCpuArray PerCpuArray&lt;V&gt;}; {@code V}
 * as for {@link BpfHash}. Needs Linux 4.14 and {@code CAP_BPF} ({@code CAP_SYS_ADMIN} before 5.8).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface BpfPerCpuArray {
  /** Number of elements (each with one value per possible CPU). */
  int maxEntries();
}
