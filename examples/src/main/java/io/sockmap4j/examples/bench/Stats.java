package io.sockmap4j.examples.bench;

import java.util.Arrays;
import java.util.List;

/** Median and range of repeated measurements; NaN values (nothing measured) are left out. */
record Stats(double median, double min, double max, int count) {
  static Stats of(List<Double> values) {
    double[] v =
        values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).toArray();
    if (v.length == 0) {
      return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    Arrays.sort(v);
    int n = v.length;
    double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return new Stats(median, v[0], v[n - 1], n);
  }
}
