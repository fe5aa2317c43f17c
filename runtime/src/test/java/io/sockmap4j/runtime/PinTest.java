package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.internal.BpfLinks;
import io.sockmap4j.runtime.internal.BpfPins;
import io.sockmap4j.runtime.internal.LibC;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Pinning under bpffs: permissions, conflicts, reopening, removal, and a second JVM. */
@ExtendWith(KernelLeakCheck.class)
class PinTest {

  private static final String SOCKS = TestNames.of("psocks");
  private static final String ECHO = TestNames.of("pecho");

  private Path dir;

  @BeforeEach
  void pickDirectory(TestInfo test) {
    dir = Path.of("/sys/fs/bpf", TestNames.of(test.getTestMethod().orElseThrow().getName()));
  }

  /** Removes whatever pins a failed test left; unpinning frees the kernel objects. */
  @AfterEach
  void removePins() throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> pins = Files.list(dir)) {
        for (Path pin : pins.toList()) {
          Files.delete(pin);
        }
      }
      Files.delete(dir);
    }
  }

  @KernelTest
  void aPinnedLinkSetupOutlivesCloseAndIsRemovedAfterReopening() throws Exception {
    assertPinnedSetupLifecycle(AttachMode.LINK);
  }

  @KernelTest
  void aPinnedLegacySetupOutlivesCloseAndIsRemovedAfterReopening() throws Exception {
    assertPinnedSetupLifecycle(AttachMode.LEGACY);
  }

  private void assertPinnedSetupLifecycle(AttachMode mode) throws Exception {
    ObjectSpec spec = TestSpecs.echo(SOCKS, ECHO);
    BpfObject installed = BpfObject.load(spec, AttachOptions.defaults().mode(mode).pinTo(dir));
    List<Attachment> attachments = installed.attachments();
    int programId = installed.programIds().get(0);
    int mapId = installed.mapIds().get(0);
    int linkId = attachments.get(0).linkId();
    assertEquals(mode, attachments.get(0).mode());
    assertEquals(PosixFilePermissions.fromString("rwx------"), permissions(dir));
    List<String> expected = new ArrayList<>(List.of(SOCKS, "prog_" + ECHO));
    if (mode == AttachMode.LINK) {
      expected.add("link_" + ECHO);
    }
    assertEquals(expected.stream().sorted().toList(), list(dir));
    for (String pin : expected) {
      assertEquals("rw-------", PosixFilePermissions.toString(permissions(dir.resolve(pin))), pin);
    }

    installed.close();
    Thread.sleep(50);
    assertTrue(KernelObjects.programExists(programId), "the pin keeps the program");
    assertTrue(KernelObjects.mapExists(mapId), "the pin keeps the map");

    try (BpfObject reopened = BpfObject.openPinned(spec, dir)) {
      assertEquals(attachments, reopened.attachments());
      assertEquals(List.of(programId), reopened.programIds());
      assertEquals(dir, reopened.pinDirectory().orElseThrow());
      AttachTest.assertEchoes(reopened, SOCKS);
      reopened.remove();
      assertTrue(reopened.isClosed());
    }
    assertFalse(Files.exists(dir), "remove() takes the directory it left empty");
    assertGone(programId, mapId, linkId);
  }

  @KernelTest
  void aSecondJvmReopensAndRemovesWhatAFirstJvmPinnedAndLeft() throws Exception {
    for (AttachMode mode : List.of(AttachMode.LINK, AttachMode.LEGACY)) {
      String installed = runChild("install", dir.toString(), SOCKS, ECHO, mode.name());
      String[] ids = installed.trim().split(" ");
      assertEquals("ids", ids[0], installed);
      assertEquals(mode.name(), ids[4], installed);
      int programId = Integer.parseInt(ids[1]);
      int mapId = Integer.parseInt(ids[2]);
      int linkId = Integer.parseInt(ids[3]);
      assertTrue(KernelObjects.programExists(programId), "program outlived its JVM");
      assertTrue(KernelObjects.mapExists(mapId), "map outlived its JVM");
      assertEquals(mode == AttachMode.LINK, linkExists(linkId), "link " + linkId);

      String removed = runChild("remove", dir.toString(), SOCKS, ECHO);
      assertEquals(installed, removed, "the second JVM saw the same kernel objects");
      assertFalse(Files.exists(dir), "pins left: " + dir);
      assertGone(programId, mapId, linkId);
    }
  }

  @KernelTest
  void anExistingPinOfTheSameShapeIsReportedAndLeftAlone() throws Exception {
    ObjectSpec spec = TestSpecs.echo(SOCKS, ECHO);
    try (BpfObject first = BpfObject.load(spec, AttachOptions.defaults().pinTo(dir))) {
      List<String> before = KernelLeakCheck.leftovers();
      List<String> pinsBefore = list(dir);

      PinException e =
          assertThrows(
              PinException.class, () -> BpfObject.load(spec, AttachOptions.defaults().pinTo(dir)));

      assertEquals(dir.resolve(SOCKS), e.path());
      assertTrue(
          e.getMessage().contains("nothing was created and nothing overwritten"), e.getMessage());
      assertTrue(
          e.getMessage()
              .contains(
                  dir.resolve(SOCKS)
                      + " already exists with the same shape (type 15, key 4, value 8,"
                      + " max_entries 4, flags 0): reopen it with BpfObject.openPinned(spec, dir)"),
          e.getMessage());
      assertTrue(e.getMessage().contains(dir.resolve("prog_" + ECHO) + " already exists"));
      assertEquals(before, KernelLeakCheck.leftovers(), "the failed load created nothing");
      assertEquals(pinsBefore, list(dir));
      assertEquals(first.mapIds().get(0), pinnedMapId(dir.resolve(SOCKS)), "pin not replaced");
      first.remove();
    }
  }

  @KernelTest
  void anExistingPinOfAnotherShapeSaysHowTheShapesDiffer() throws Exception {
    try (BpfObject first =
        BpfObject.load(TestSpecs.echo(SOCKS, ECHO), AttachOptions.defaults().pinTo(dir))) {
      ObjectSpec bigger =
          new ObjectSpec(
              "GPL",
              List.of(TestSpecs.sockmap(SOCKS, 8)),
              List.of(TestSpecs.redirectToIndex0(TestNames.of("other"), 0)));

      PinException e =
          assertThrows(
              PinException.class,
              () -> BpfObject.load(bigger, AttachOptions.defaults().pinTo(dir)));
      assertTrue(
          e.getMessage()
              .contains(
                  dir.resolve(SOCKS)
                      + " already exists with a different shape: pinned type 15, key 4, value 8,"
                      + " max_entries 4, flags 0 vs declared type 15, key 4, value 8,"
                      + " max_entries 8, flags 0"),
          e.getMessage());
      assertEquals(first.mapIds().get(0), pinnedMapId(dir.resolve(SOCKS)), "pin not replaced");

      PinException reopen =
          assertThrows(PinException.class, () -> BpfObject.openPinned(bigger, dir));
      assertTrue(
          reopen.getMessage().contains("holds a map of a different shape"), reopen.getMessage());
      first.remove();
    }
  }

  @KernelTest
  void pinningOutsideBpffsIsRefusedBeforeAnythingIsCreated(@TempDir Path tmp) {
    Path outside = tmp.resolve("pins");
    PinException e =
        assertThrows(
            PinException.class,
            () ->
                BpfObject.load(
                    TestSpecs.echo(SOCKS, ECHO), AttachOptions.defaults().pinTo(outside)));
    assertTrue(e.getMessage().contains(tmp + " is not in a bpffs mount"), e.getMessage());
    assertFalse(Files.exists(outside));
    assertEquals(List.of(), KernelLeakCheck.leftovers());
  }

  @KernelTest
  void reopeningWhatWasNeverPinnedNamesTheMissingPin() throws Exception {
    PinException noDirectory =
        assertThrows(
            PinException.class, () -> BpfObject.openPinned(TestSpecs.echo(SOCKS, ECHO), dir));
    assertTrue(noDirectory.getMessage().contains("the directory does not exist"));

    Files.createDirectory(dir);
    PinException noPin =
        assertThrows(
            PinException.class, () -> BpfObject.openPinned(TestSpecs.echo(SOCKS, ECHO), dir));
    assertEquals(dir.resolve(SOCKS), noPin.path());
    assertTrue(
        noPin.getMessage().startsWith("no pinned map " + SOCKS + " at "), noPin.getMessage());
  }

  private static String runChild(String... args) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command =
        new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
    command.add(PinnedSetupMain.class.getName());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child JVM did not finish within 60 s: " + command);
    }
    String text = new String(out);
    assertEquals(0, process.exitValue(), "child " + List.of(args) + " failed:\n" + text);
    return text;
  }

  private static void assertGone(int programId, int mapId, int linkId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KernelLeakCheck.GRACE_MILLIS);
    while (KernelObjects.programExists(programId)
        || KernelObjects.mapExists(mapId)
        || (linkId != 0 && linkExists(linkId))) {
      assertTrue(
          System.nanoTime() < deadline,
          "still in the kernel: program " + programId + ", map " + mapId + ", link " + linkId);
      Thread.sleep(10);
    }
  }

  private static boolean linkExists(int id) {
    OptionalInt fd = BpfLinks.linkFdById(id);
    fd.ifPresent(LibC.INSTANCE::close);
    return fd.isPresent();
  }

  private static int pinnedMapId(Path pin) {
    int fd = BpfPins.get(pin.toString());
    try {
      return BpfPins.mapShape(fd).id();
    } finally {
      LibC.INSTANCE.close(fd);
    }
  }

  private static List<String> list(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(Path path)
      throws IOException {
    return Files.getPosixFilePermissions(path);
  }
}
