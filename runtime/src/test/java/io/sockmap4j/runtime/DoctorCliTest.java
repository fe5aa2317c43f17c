package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.cli.Main;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The {@code sockmap4j} command line, run in this JVM. */
class DoctorCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @KernelTest
  void doctorPrintsTheTableAndExitsZeroHere() throws InterruptedException {
    assertEquals(0, run("doctor"), out + "\n" + err);
    String text = out.toString();
    assertTrue(text.startsWith("sockmap4j doctor: Linux "), text);
    assertTrue(text.contains(System.lineSeparator() + "OK       sockmap  "), text);
    assertTrue(
        text.endsWith(
            "READY: everything sockmap4j needs works on this kernel for this process."
                + System.lineSeparator()),
        text);
    assertEquals(
        java.util.List.of(), KernelLeakCheck.leftoversAfterGrace(KernelFeatures.NAME_PREFIX));
  }

  @KernelTest
  void doctorJsonIsOneObject() {
    assertEquals(0, run("doctor", "--json"), out + "\n" + err);
    String json = out.toString().strip();
    assertTrue(json.startsWith("{\"system\":\"Linux "), json);
    assertTrue(json.contains("\"ready\":true,\"exitCode\":0,\"checks\":[{\"id\":\"kernel\""), json);
    assertTrue(json.endsWith("}]}"), json);
  }

  @Test
  void noCommandPrintsUsageAndExitsTwo() {
    assertEquals(2, run());
    assertTrue(err.toString().contains("doctor"), err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void unknownOptionExitsTwo() {
    assertEquals(2, run("doctor", "--no-such-option"));
    assertTrue(err.toString().contains("--no-such-option"), err.toString());
  }

  @Test
  void doctorHelpDescribesTheExitCode() {
    assertEquals(0, run("doctor", "--help"));
    assertTrue(
        out.toString().contains("Exit code 0 when everything sockmap4j needs works"),
        out.toString());
  }
}
