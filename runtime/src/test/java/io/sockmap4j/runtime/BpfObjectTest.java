package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.LoopbackPair;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Loading, naming and closing a whole object. */
@ExtendWith(KernelLeakCheck.class)
class BpfObjectTest {

  private static final String SOCKS = TestNames.of("osocks");

  @KernelTest
  void closeRemovesEveryProgramAndMapFromTheKernel() throws Exception {
    BpfObject object = BpfObject.load(TestSpecs.echoWithParser(SOCKS));
    List<Integer> programIds = object.programIds();
    List<Integer> mapIds = object.mapIds();
    assertEquals(2, programIds.size());
    assertTrue(programIds.stream().allMatch(KernelObjects::programExists));
    assertTrue(mapIds.stream().allMatch(KernelObjects::mapExists));

    object.close();

    assertTrue(object.isClosed());
    for (int id : programIds) {
      assertTrue(awaitGone(id, KernelObjects::programExists), "program " + id + " still exists");
    }
    for (int id : mapIds) {
      assertTrue(awaitGone(id, KernelObjects::mapExists), "map " + id + " still exists");
    }
  }

  /**
   * A socket in a map keeps the programs it joined with, and the echo program keeps the map it
   * redirects through: without close() emptying the map first, that cycle would keep both alive for
   * as long as the user's socket stays open.
   */
  @KernelTest
  void closeFreesEverythingWhileSocketsStayOpenInTheMap() throws Exception {
    try (LoopbackPair pair = LoopbackPair.open()) {
      BpfObject object = BpfObject.load(TestSpecs.echo(SOCKS));
      new SockMapHandle(object.map(SOCKS)).put(0, pair.accepted());
      List<Integer> programIds = object.programIds();
      List<Integer> mapIds = object.mapIds();

      object.close();

      for (int id : programIds) {
        assertTrue(awaitGone(id, KernelObjects::programExists), "program " + id + " still exists");
      }
      for (int id : mapIds) {
        assertTrue(awaitGone(id, KernelObjects::mapExists), "map " + id + " still exists");
      }
      pair.client().getOutputStream().write(1);
      pair.accepted().configureBlocking(true);
      assertEquals(
          1, pair.accepted().read(java.nio.ByteBuffer.allocate(4)), "a plain socket again");
    }
  }

  @KernelTest
  void closeIsIdempotentAndSafeFromManyThreads() throws Exception {
    BpfObject object = BpfObject.load(TestSpecs.echo(SOCKS));
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Void>> closes = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        closes.add(
            pool.submit(
                () -> {
                  start.await();
                  object.close();
                  return null;
                }));
      }
      start.countDown();
      for (Future<Void> close : closes) {
        close.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    object.close();
    assertTrue(object.isClosed());
  }

  @KernelTest
  void namesProgramsAndMaps() {
    try (BpfObject object = BpfObject.load(TestSpecs.echoWithParser(SOCKS))) {
      assertEquals(List.of(TestNames.of("parse"), TestNames.of("echo")), object.programNames());
      assertEquals(object.programIds().get(1), object.programId(TestNames.of("echo")));
      assertEquals(List.of(SOCKS), object.maps().stream().map(BpfMap::name).toList());
      assertFalse(object.isClosed());

      IllegalArgumentException noMap =
          assertThrows(IllegalArgumentException.class, () -> object.map("nope"));
      assertEquals("no map named nope; the maps are [" + SOCKS + "]", noMap.getMessage());
      IllegalArgumentException noProgram =
          assertThrows(IllegalArgumentException.class, () -> object.programId("nope"));
      assertTrue(noProgram.getMessage().contains(TestNames.of("echo")), noProgram.getMessage());
    }
  }

  @KernelTest
  void kernelNamesAreTruncatedAndSanitized() {
    String longName = TestNames.of("a-very-long$map-name");
    ObjectSpec spec = new ObjectSpec("GPL", List.of(TestSpecs.sockmap(longName, 1)), List.of());
    try (BpfObject object = BpfObject.load(spec)) {
      int fd = object.map(longName).fd();
      assertEquals(
          (TestNames.PREFIX + "a_very_long_map").substring(0, 15),
          io.sockmap4j.runtime.internal.Bpf.mapInfo(fd).name());
    }
  }

  @KernelTest
  void loadsAResourceAndItsListing(@TempDir Path dir) throws Exception {
    Class<?> anchor = anchorIn(dir);
    Path resource = dir.resolve("io/sockmap4j/runtime/Echo.sm4j");
    try (OutputStream out = Files.newOutputStream(resource)) {
      TestSpecs.echo(SOCKS).write(out);
    }
    Files.writeString(resource.resolveSibling("Echo.sm4j.txt"), "0: r2 = map ll\n");

    try (BpfObject object = BpfObject.load(anchor, "Echo.sm4j")) {
      assertEquals(List.of(TestNames.of("echo")), object.programNames());
      assertEquals("0: r2 = map ll\n", object.listing());
    }
    Files.delete(resource.resolveSibling("Echo.sm4j.txt"));
    try (BpfObject object = BpfObject.load(anchor, "/io/sockmap4j/runtime/Echo.sm4j")) {
      assertTrue(object.listing().startsWith("no listing was packaged"), object.listing());
    }
  }

  @KernelTest
  void objectsFromSpecsHaveNoListing() {
    try (BpfObject object = BpfObject.load(TestSpecs.echo(SOCKS))) {
      assertTrue(object.listing().startsWith("no listing was packaged"));
    }
  }

  @Test
  void missingResourceAsksAboutTheProcessor() {
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class, () -> BpfObject.load(BpfObjectTest.class, "Missing.sm4j"));
    assertTrue(e.getMessage().contains("io/sockmap4j/runtime/Missing.sm4j"), e.getMessage());
    assertTrue(
        e.getMessage().contains("is the sockmap4j processor on the annotation processor path?"),
        e.getMessage());
  }

  @Test
  void corruptResourceNamesTheProblem(@TempDir Path dir) throws Exception {
    Class<?> anchor = anchorIn(dir);
    Files.write(
        dir.resolve("io/sockmap4j/runtime/Bad.sm4j"),
        "not an object".getBytes(StandardCharsets.UTF_8));
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> BpfObject.load(anchor, "Bad.sm4j"));
    assertTrue(e.getMessage().contains("not a sockmap4j object"), e.getMessage());
  }

  /**
   * Copies {@link ResourceAnchor} into {@code dir} and loads it there with no parent loader, so
   * that its resources are looked up in {@code dir}.
   */
  private static Class<?> anchorIn(Path dir) throws IOException, ClassNotFoundException {
    String classFile = "io/sockmap4j/runtime/ResourceAnchor.class";
    Path target = dir.resolve(classFile);
    Files.createDirectories(target.getParent());
    try (var in = BpfObjectTest.class.getClassLoader().getResourceAsStream(classFile)) {
      Files.copy(in, target);
    }
    URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    return Class.forName("io.sockmap4j.runtime.ResourceAnchor", false, loader);
  }

  private static boolean awaitGone(int id, IntPredicate exists) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KernelLeakCheck.GRACE_MILLIS);
    while (exists.test(id)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }
}
