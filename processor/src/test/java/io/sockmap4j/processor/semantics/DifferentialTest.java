package io.sockmap4j.processor.semantics;

import static org.junit.jupiter.api.Assertions.fail;

import io.sockmap4j.runtime.testing.KernelCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The differential semantics test: random programs of the subset, run as Java in this JVM and as
 * the eBPF sockmap4j compiles them in the real kernel, must agree on every input.
 *
 * <p>Each try is a batch of {@value #CASES} random programs (half bare expressions over the inputs,
 * half statement sequences with locals), compiled together in one class (javac is the slow part),
 * and run on {@code Inputs.EDGES} plus {@value #RANDOM_INPUTS} random input vectors. A mismatch
 * fails the property with the program, the inputs, both results and the program's listing; jqwik
 * prints the seed, and {@link SeedReport} repeats it with the line that replays it. Every mismatch
 * found so far is pinned in {@link SemanticsRegressionTest}.
 */
class DifferentialTest {

  static final int CASES = 48;
  static final int RANDOM_INPUTS = 10;

  private static final AtomicInteger BATCHES = new AtomicInteger();
  private static final AtomicInteger PROGRAMS = new AtomicInteger();
  private static final AtomicInteger COMPARISONS = new AtomicInteger();
  private static final AtomicInteger MISMATCHES = new AtomicInteger();
  private static final AtomicInteger FAULTS = new AtomicInteger();
  private static final AtomicLong COMPILE_NANOS = new AtomicLong();
  private static final AtomicLong KERNEL_NANOS = new AtomicLong();
  private static final long STARTED = System.nanoTime();

  @Property(shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
  @KernelProperty
  @AddLifecycleHook(SeedReport.class)
  void kernelAgreesWithTheJvm(
      @ForAll("batches") List<Generators.Program> programs, @ForAll("inputs") List<Inputs> random) {
    KernelCheck.assumeKernel();
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < programs.size(); i++) {
      cases.add(programs.get(i).toCase("case " + i));
    }
    List<Inputs> inputs = new ArrayList<>(Inputs.EDGES);
    inputs.addAll(random);

    DifferentialRunner.Outcome outcome = DifferentialRunner.run("Batch", cases, inputs);

    BATCHES.incrementAndGet();
    PROGRAMS.addAndGet(cases.size());
    COMPARISONS.addAndGet(outcome.comparisons());
    MISMATCHES.addAndGet(outcome.mismatches().size());
    FAULTS.addAndGet(outcome.faults());
    COMPILE_NANOS.addAndGet(outcome.compileNanos());
    KERNEL_NANOS.addAndGet(outcome.kernelNanos());
    if (!outcome.mismatches().isEmpty()) {
      fail(
          outcome.mismatches().size()
              + " of "
              + outcome.comparisons()
              + " comparisons disagree; the first:\n"
              + outcome.mismatches().get(0).report());
    }
  }

  @Provide
  Arbitrary<List<Generators.Program>> batches() {
    // Uniform sizes: large batches keep javac's share small, and a failing batch can still
    // shrink to the one program that fails.
    return Generators.programs()
        .list()
        .ofMinSize(1)
        .ofMaxSize(CASES)
        .withSizeDistribution(RandomDistribution.uniform());
  }

  @Provide
  Arbitrary<List<Inputs>> inputs() {
    return Literals.inputs().list().ofSize(RANDOM_INPUTS);
  }

  @AfterContainer
  static void summary() {
    System.out.printf(
        "differential: %d cases (%d programs x inputs in %d batches; %d where Java throws),"
            + " %d mismatches, %.1f s (javac %.1f s, kernel load and runs %.1f s)%n",
        COMPARISONS.get(),
        PROGRAMS.get(),
        BATCHES.get(),
        FAULTS.get(),
        MISMATCHES.get(),
        (System.nanoTime() - STARTED) / 1e9,
        COMPILE_NANOS.get() / 1e9,
        KERNEL_NANOS.get() / 1e9);
  }
}
