package io.sockmap4j.examples.bench;

/**
 * One measured run of one topology in one cell.
 *
 * @param value the headline: transactions/s (rr), Gbit/s (bulk), connections/s (churn)
 * @param p50Micros latency percentiles in microseconds (NaN for bulk)
 * @param machineCpu machine CPU per unit: seconds per million transactions or connections (= µs
 *     each), seconds per GB for bulk
 * @param proxyCpu the proxy threads' CPU in the same unit; NaN when the topology has none
 * @param units transactions, connections or bytes counted in the window
 * @param errors connections broken, answers not byte-exact, pairs refused, bytes Java had to
 *     handle, and 1 for a run in which nothing at all completed (a stalled path)
 * @param memoryRefusals writes the kernel refused with ENOMEM and the client retried: an SK_MSG
 *     ingress redirect charges the receiver's socket memory and, when the receiver is full, fails
 *     the sender's write instead of blocking it
 */
record Measurement(
    double value,
    double p50Micros,
    double p99Micros,
    double p999Micros,
    double machineCpu,
    double proxyCpu,
    long units,
    long errors,
    long memoryRefusals) {

  Measurement(
      double value,
      double p50Micros,
      double p99Micros,
      double p999Micros,
      double machineCpu,
      double proxyCpu,
      long units,
      long errors) {
    this(value, p50Micros, p99Micros, p999Micros, machineCpu, proxyCpu, units, errors, 0);
  }

  /** This measurement, with a stall (nothing completed) counted as an error. */
  Measurement checked() {
    return units > 0
        ? this
        : new Measurement(
            value,
            p50Micros,
            p99Micros,
            p999Micros,
            machineCpu,
            proxyCpu,
            units,
            errors + 1,
            memoryRefusals);
  }
}
