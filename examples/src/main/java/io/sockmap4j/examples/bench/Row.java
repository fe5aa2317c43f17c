package io.sockmap4j.examples.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One line of the results: a workload cell ({@code workload}, {@code size}, {@code connections}; 0
 * where it does not apply), one topology or variant, and its repeated values.
 *
 * @param unit the unit of {@code values}
 * @param values the headline value of each repetition
 * @param runs the full measurements of each repetition; empty for the control plane
 * @param baseline the variant of the same cell this one is compared with; null for none
 * @param higherIsBetter whether a larger value is an improvement (rates) or not (times)
 */
record Row(
    String workload,
    int size,
    int connections,
    String variant,
    String unit,
    List<Double> values,
    List<Measurement> runs,
    String baseline,
    boolean higherIsBetter) {

  static Row measured(
      String workload,
      int size,
      int connections,
      Topology topology,
      String unit,
      List<Measurement> runs) {
    return new Row(
        workload,
        size,
        connections,
        topology.name,
        unit,
        runs.stream().map(Measurement::value).toList(),
        runs,
        topology.group.baseline,
        true);
  }

  Stats value() {
    return Stats.of(values);
  }

  /** The median over repetitions of one field of the measurements. */
  Stats of(ToDoubleFunction<Measurement> field) {
    return Stats.of(runs.stream().map(m -> field.applyAsDouble(m)).toList());
  }

  long errors() {
    return runs.stream().mapToLong(Measurement::errors).sum();
  }

  /** Whether {@code other} is in the same cell. */
  boolean sameCell(Row other) {
    return workload.equals(other.workload)
        && size == other.size
        && connections == other.connections;
  }

  String cell() {
    StringBuilder s = new StringBuilder(workload);
    if (size > 0) {
      s.append(' ').append(Report.bytes(size));
    }
    if (connections > 0) {
      s.append(" x").append(connections);
    }
    return s.toString();
  }
}
