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
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The differential semantics test: random programs of the subset, run as Java in this JVM and as
 * the eBPF sockmap4j compiles them in the real kernel, must agree on every input.
 *
 * <p>Each try is a {@link Generators.Batch}: the bodies of four helper methods, and up to {@value
 * #CASES} programs (half bare expressions over the inputs, half statement sequences with locals,
 * records, arrays, loops, switches and calls; see {@link Generators}), compiled together in one
 * class because javac is the slow part. Every program runs on {@code Inputs.EDGES} and {@value
 * #RANDOM_INPUTS} random input vectors; where Java throws, the program must fault ({@link
 * DifferentialRunner#FAULT}).
 *
 * <p>A disagreement fails the property with the program, the inputs, both results and the program's
 * listing; jqwik shrinks it (for up to a minute: {@code junit-platform.properties}) and prints the
 * seed, and {@link SeedReport} repeats the seed with the line that replays it. Every disagreement
 * found so far is pinned in {@link SemanticsRegressionTest}. The number of batches is {@code
 * jqwik.tries.default} in {@code junit-platform.properties}; raise it to hunt: {@code mvn test
 * -Dtest=DifferentialTest -Djqwik.tries.default=500}. The summary line ({@code differential: N
 * cases ...}) counts the runs of shrinking too.
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
      @ForAll("batches") Generators.Batch batch, @ForAll("inputs") List<Inputs> random) {
    KernelCheck.assumeKernel();
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < batch.programs().size(); i++) {
      cases.add(batch.programs().get(i).toCase("case " + i));
    }
    List<Inputs> inputs = new ArrayList<>(Inputs.EDGES);
    inputs.addAll(random);

    DifferentialRunner.Outcome outcome =
        DifferentialRunner.run("Batch", batch.helperDeclarations(), cases, inputs);

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
  Arbitrary<Generators.Batch> batches() {
    return Generators.batches(CASES);
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
