package io.sockmap4j.examples.bench;

import org.HdrHistogram.Histogram;

/**
 * One measured run of one topology in one cell.
 *
 * @param value the headline: transactions/s (rr), Gbit/s (bulk), connections/s (churn)
 * @param p50Micros latency percentiles in microseconds (NaN for bulk)
 * @param machineCpu machine CPU per unit: seconds per million transactions or connections (= µs
 *     each), seconds per GB for bulk
 * @param proxyCpu the proxy threads' CPU in the same unit; NaN when the topology has none
 * @param switches the machine's context switches per transaction or connection, per GB for bulk
 * @param units transactions, connections or bytes counted in the window
 * @param errors connections broken, answers not byte-exact, pairs refused, bytes Java had to
 *     handle, and 1 for a run in which nothing at all completed (a stalled path)
 * @param memoryRefusals writes the kernel refused with ENOMEM and the client retried: an SK_MSG
 *     ingress redirect charges the receiver's socket memory and, when the receiver is full, fails
 *     the sender's write instead of blocking it
 * @param programNanos the kernel's mean run time of one run of the topology's per-message BPF
 *     programs during the run ({@code BPF_ENABLE_STATS}), in nanoseconds; NaN for a topology with
 *     none, or when statistics are off
 */
record Measurement(
    double value,
    double p50Micros,
    double p99Micros,
    double p999Micros,
    double machineCpu,
    double proxyCpu,
    double switches,
    long units,
    long errors,
    long memoryRefusals,
    double programNanos) {

  /**
   * A run that counted {@code count} units (transactions or connections) in {@code window}, with
   * their latencies in nanoseconds: the rate, the percentiles in microseconds, and the CPU per
   * million units between the two readings.
   */
  static Measurement counted(
      long count,
      Histogram latencyNanos,
      Window window,
      CpuMeter.Reading from,
      CpuMeter.Reading to,
      long errors) {
    double perMillion = count == 0 ? Double.NaN : 1e6 / count;
    return new Measurement(
        count / window.seconds(),
        latencyNanos.getValueAtPercentile(50) / 1e3,
        latencyNanos.getValueAtPercentile(99) / 1e3,
        latencyNanos.getValueAtPercentile(99.9) / 1e3,
        CpuMeter.machineSeconds(from, to) * perMillion,
        CpuMeter.proxySeconds(from, to) * perMillion,
        count == 0 ? Double.NaN : CpuMeter.contextSwitches(from, to) / (double) count,
        count,
        errors,
        0,
        Double.NaN);
  }

  /** This measurement, with a stall (nothing completed) counted as an error. */
  Measurement checked() {
    return units > 0 ? this : with(errors + 1, programNanos);
  }

  /** This measurement with {@code nanos} as its program run time. */
  Measurement withProgramNanos(double nanos) {
    return with(errors, nanos);
  }

  private Measurement with(long errorCount, double nanos) {
    return new Measurement(
        value,
        p50Micros,
        p99Micros,
        p999Micros,
        machineCpu,
        proxyCpu,
        switches,
        units,
        errorCount,
        memoryRefusals,
        nanos);
  }
}
