package io.sockmap4j;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Debugging helpers for programs of any kind.
 *
 * <p>{@link #ktimeNanos()} and {@link #random()} always compile (to {@code bpf_ktime_get_ns} and
 * {@code bpf_get_prandom_u32}). {@link #print} compiles to {@code bpf_trace_printk} only when the
 * processor runs with {@code -Asockmap4j.debug=true}; otherwise it compiles to nothing and, like a
 * disabled {@code assert}, its arguments are not evaluated. Its lines go to the kernel's trace
 * buffer, which {@code io.sockmap4j.runtime.TracePipe} reads back (or {@code cat
 * /sys/kernel/tracing/trace_pipe}).
 *
 * <p>Called from plain Java (outside a program) they return {@link System#nanoTime()} and a random
 * int, and print the format and values to standard error, so a program method still runs as Java.
 */
public final class Debug {
  private Debug() {}

  /** Nanoseconds since boot, not counting suspend ({@code bpf_ktime_get_ns}, Linux 4.1). */
  public static long ktimeNanos() {
    return System.nanoTime();
  }

  /** A pseudo-random 32-bit value ({@code bpf_get_prandom_u32}); not for cryptography. */
  public static int random() {
    return ThreadLocalRandom.current().nextInt();
  }

  /**
   * Prints {@code format} to the kernel trace buffer ({@code bpf_trace_printk}, Linux 4.1).
   *
   * @param format a compile-time constant of at most 127 bytes; a newline is appended if it has
   *     none
   */
  public static void print(String format) {
    printf(format);
  }

  /**
   * Prints {@code format} with one value: conversions {@code %d %i %u %x %X}, optionally with
   * {@code l} or {@code ll} ({@code %ld}, {@code %llx}, ...), and {@code %%}.
   */
  public static void print(String format, long a) {
    printf(format, a);
  }

  /** Prints {@code format} with two values; see {@link #print(String, long)}. */
  public static void print(String format, long a, long b) {
    printf(format, a, b);
  }

  /**
   * Prints {@code format} with three values, the most {@code bpf_trace_printk} takes; see {@link
   * #print(String, long)}.
   */
  public static void print(String format, long a, long b, long c) {
    printf(format, a, b, c);
  }

  /** Outside a program: the format and the values on standard error, unformatted. */
  private static void printf(String format, long... values) {
    System.err.println(format.strip() + (values.length == 0 ? "" : " " + Arrays.toString(values)));
  }
}
