package io.sockmap4j.processor.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The problems a {@link Checker} pass finds, each tied to the slot the verifier would complain
 * about, rendered as {@code "slot N: message"} in slot order.
 */
final class Problems {
  private record Problem(int slot, String message) {}

  private final List<Problem> found = new ArrayList<>();

  void add(int slot, String message) {
    found.add(new Problem(slot, message));
  }

  /** The messages, ordered by slot; problems at the same slot keep the order they were found. */
  List<String> messages() {
    return found.stream()
        .sorted(Comparator.comparingInt(Problem::slot))
        .map(problem -> "slot " + problem.slot() + ": " + problem.message())
        .toList();
  }
}
