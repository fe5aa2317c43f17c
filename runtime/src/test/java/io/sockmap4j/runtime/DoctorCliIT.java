package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.testing.KernelTest;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The packaged {@code -cli} jar, run as a user would: {@code java -jar
 * sockmap4j-runtime-<version>-cli.jar doctor}, with no JVM flags. Runs in the integration-test
 * phase (failsafe), after the jars are built.
 */
class DoctorCliIT {

  private static final Path CLI_JAR = Path.of(System.getProperty("sockmap4j.cliJar", "missing"));
  private static final Path PLAIN_JAR = Path.of(System.getProperty("sockmap4j.jar", "missing"));

  private record Run(int exitCode, String out, String err) {}

  @KernelTest
  void doctorRunsFromTheJarAndFindsEverythingHere() throws Exception {
    Run run = java("-jar", CLI_JAR.toString(), "doctor");
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("OK       insert "), run.out());
    assertTrue(run.out().contains("READY: everything sockmap4j needs works"), run.out());
    assertEquals(List.of(), KernelLeakCheck.leftoversAfterGrace(KernelFeatures.NAME_PREFIX));
  }

  @KernelTest
  void doctorJsonFromTheJar() throws Exception {
    Run run = java("-jar", CLI_JAR.toString(), "doctor", "--json");
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertEquals("OK", status(run.out(), "sk_msg"));
  }

  /**
   * Without CAP_NET_ADMIN (dropped from the bounding set by {@code setpriv}) bpf() still works but
   * sockmaps are refused with EPERM: the doctor says so and exits 1.
   */
  @KernelTest
  void withoutNetAdminTheDoctorNamesTheMissingCapability() throws Exception {
    Assumptions.assumeTrue(
        new File("/usr/bin/setpriv").canExecute(), "setpriv (util-linux) is not installed");
    Run run =
        command(
            "/usr/bin/setpriv",
            "--bounding-set=-net_admin,-sys_admin",
            javaBinary(),
            "-jar",
            CLI_JAR.toString(),
            "doctor",
            "--json");
    assertEquals(1, run.exitCode(), run.out() + run.err());
    assertEquals("MISSING", status(run.out(), "caps"));
    assertEquals("OK", status(run.out(), "bpf"));
    assertEquals("MISSING", status(run.out(), "sockmap"));
    assertTrue(run.out().contains("(errno 1 EPERM: Operation not permitted)"), run.out());
    assertEquals("SKIPPED", status(run.out(), "sk_skb"));
    assertTrue(run.out().contains("\"ready\":false,\"exitCode\":1"), run.out());
  }

  @Test
  void noCommandExitsTwoWithUsage() throws Exception {
    Run run = java("-jar", CLI_JAR.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("doctor"), run.err());
  }

  /**
   * The cli jar carries JNA and picocli; the plain runtime jar does not, nor a changed manifest.
   */
  @Test
  void onlyTheCliJarIsShaded() throws IOException {
    try (JarFile cli = new JarFile(CLI_JAR.toFile())) {
      Manifest manifest = cli.getManifest();
      assertEquals(
          "io.sockmap4j.runtime.cli.Main", manifest.getMainAttributes().getValue("Main-Class"));
      assertEquals("java.base/sun.nio.ch", manifest.getMainAttributes().getValue("Add-Opens"));
      assertNotNull(cli.getEntry("picocli/CommandLine.class"));
      assertNotNull(cli.getEntry("com/sun/jna/Native.class"));
      assertNotNull(cli.getEntry("io/sockmap4j/runtime/Doctor.class"));
    }
    try (JarFile plain = new JarFile(PLAIN_JAR.toFile())) {
      assertNull(plain.getEntry("picocli/CommandLine.class"));
      assertNull(plain.getEntry("com/sun/jna/Native.class"));
      assertNull(plain.getManifest().getMainAttributes().getValue("Main-Class"));
      assertNotNull(plain.getEntry("io/sockmap4j/runtime/Doctor.class"));
    }
  }

  /** The status of check {@code id} in the doctor's JSON. */
  private static String status(String json, String id) {
    Matcher m =
        Pattern.compile("\\{\"id\":\"" + id + "\",\"title\":\"[^\"]*\",\"status\":\"(\\w+)\"")
            .matcher(json);
    assertTrue(m.find(), "no check " + id + " in " + json);
    return m.group(1);
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Run java(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(List.of(args));
    return command(command.toArray(String[]::new));
  }

  private static Run command(String... command) throws IOException, InterruptedException {
    assertTrue(Files.isRegularFile(CLI_JAR), "no cli jar at " + CLI_JAR);
    Path err = Files.createTempFile("sm4j-doctor", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exitCode = process.waitFor();
      return new Run(exitCode, out, Files.readString(err));
    } finally {
      Files.delete(err);
    }
  }
}
