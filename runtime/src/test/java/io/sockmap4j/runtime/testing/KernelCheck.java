package io.sockmap4j.runtime.testing;

import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.ObjectSpec;
import io.sockmap4j.runtime.ObjectSpec.MapSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Lets a {@link KernelTest} run only where the kernel accepts sockmap work, and makes the outcome
 * visible where it does not.
 *
 * <p>The probe runs once per JVM: it creates a SOCKMAP, loads the SK_SKB program {@code r0 = 1;
 * exit}, attaches it as a stream verdict, and closes everything. If the kernel refuses, the reason
 * is printed to stderr, and each kernel test then fails ({@code -Dsockmap4j.requireKernel=true}) or
 * is aborted, which JUnit reports as skipped.
 */
public final class KernelCheck implements BeforeEachCallback {

  /** The system property that turns skips into failures. */
  public static final String REQUIRE_PROPERTY = "sockmap4j.requireKernel";

  private static final int SOCKMAP = 15;
  private static final int SK_SKB = 14;
  private static final int STREAM_VERDICT = 5;

  private static String refusal;
  private static boolean probed;

  @Override
  public void beforeEach(ExtensionContext context) {
    assumeKernel();
  }

  /**
   * The check of {@link KernelTest}, for code that is not a JUnit Jupiter test (a jqwik property, a
   * helper): returns when the kernel accepts sockmap work; otherwise fails ({@code
   * -Dsockmap4j.requireKernel=true}) or aborts with the reason.
   */
  public static void assumeKernel() {
    enforce(refusal(), isRequired());
  }

  /** Whether kernel tests must run ({@code -Dsockmap4j.requireKernel=true}) rather than skip. */
  public static boolean isRequired() {
    return Boolean.getBoolean(REQUIRE_PROPERTY);
  }

  /**
   * Lets the test run when {@code reason} is null; otherwise fails it ({@code required}) or aborts
   * it.
   */
  static void enforce(String reason, boolean required) {
    if (reason == null) {
      return;
    }
    if (required) {
      Assertions.fail("kernel tests are required (-D" + REQUIRE_PROPERTY + "=true) but " + reason);
    }
    Assumptions.abort("kernel test skipped: " + reason);
  }

  /** Why the kernel refuses sockmap work, or {@code null} when it accepts it. */
  public static synchronized String refusal() {
    if (!probed) {
      probed = true;
      refusal = probe();
      if (refusal != null) {
        System.err.println("sockmap4j: kernel tests cannot run: " + refusal);
      }
    }
    return refusal;
  }

  private static String probe() {
    byte[] returnPass = new RawInsns().movImm(0, 1).exit().bytes();
    ObjectSpec spec =
        new ObjectSpec(
            "GPL",
            List.of(new MapSpec("sm4j_probe", SOCKMAP, 4, 8, 1, 0)),
            List.of(
                new ProgramSpec(
                    "sm4j_probe",
                    SK_SKB,
                    0,
                    STREAM_VERDICT,
                    0,
                    "KernelCheck.java",
                    returnPass,
                    List.of(),
                    List.of())));
    try (BpfObject probe = BpfObject.load(spec)) {
      return null;
    } catch (BpfException e) {
      return "the kernel refused the probe (a SOCKMAP with an SK_SKB verdict program): "
          + e.getMessage();
    } catch (RuntimeException | LinkageError e) {
      return "the probe (a SOCKMAP with an SK_SKB verdict program) could not run: " + e;
    }
  }
}
