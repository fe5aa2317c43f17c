package io.sockmap4j.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * The outcome of one {@link BpfObject#testRun test run} ({@code BPF_PROG_TEST_RUN}): the program's
 * return value, how long it ran, and the packet and context as the program left them.
 *
 * @param retval the program's return value ({@code r0} at exit, truncated to 32 bits by the kernel)
 * @param durationNanos the kernel's measured run time in nanoseconds
 * @param dataOut the packet after the run
 * @param contextOut the context ({@code struct __sk_buff} for SCHED_CLS and SOCKET_FILTER) after
 *     the run, or an empty array when no context was passed in
 */
public record TestRun(int retval, int durationNanos, byte[] dataOut, byte[] contextOut) {

  /** Copies the arrays. */
  public TestRun {
    dataOut = dataOut.clone();
    contextOut = contextOut.clone();
  }

  /** A copy of the packet after the run. */
  @Override
  public byte[] dataOut() {
    return dataOut.clone();
  }

  /** A copy of the context after the run. */
  @Override
  public byte[] contextOut() {
    return contextOut.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TestRun t
        && retval == t.retval
        && durationNanos == t.durationNanos
        && Arrays.equals(dataOut, t.dataOut)
        && Arrays.equals(contextOut, t.contextOut);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        retval, durationNanos, Arrays.hashCode(dataOut), Arrays.hashCode(contextOut));
  }

  @Override
  public String toString() {
    return "TestRun[retval="
        + retval
        + ", durationNanos="
        + durationNanos
        + ", dataOut="
        + dataOut.length
        + " bytes, contextOut="
        + contextOut.length
        + " bytes]";
  }
}
