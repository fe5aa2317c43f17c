package io.sockmap4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.bypass.BypassLoader;
import io.sockmap4j.examples.echo.EchoLoader;
import io.sockmap4j.examples.proxy.SpliceLoader;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.KernelObjects;
import io.sockmap4j.runtime.Sockets;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.LoopbackPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Many attach/close cycles through the generated Loaders leave the process's file descriptors and
 * the kernel's program and map lists as they were.
 *
 * <p>The cycles rotate through the three example Loaders. Every {@value #TRAFFIC_EVERY}th cycle
 * also puts a live socket into the echo map, checks an echo, and closes the Loader while the socket
 * is still open and in the map: the path where an open socket could keep programs and maps alive.
 * {@code -Dsockmap4j.leakCycles=N} changes the number of cycles (default 10,000).
 */
class AttachCloseLeakTest {

  private static final int CYCLES = Integer.getInteger("sockmap4j.leakCycles", 10_000);
  private static final int WARM_UP = 50;
  private static final int TRAFFIC_EVERY = 100;
  private static final long FREE_TIMEOUT_NANOS = 10_000_000_000L;

  @KernelTest
  void attachCloseCyclesLeakNothing() throws Exception {
    for (int i = 0; i < WARM_UP; i++) {
      cycle(i);
    }
    awaitFreed(Set.of(), Set.of());
    TreeMap<Integer, String> fdsBefore = openFds();
    Set<Integer> programsBefore = Set.copyOf(KernelObjects.programIds());
    Set<Integer> mapsBefore = Set.copyOf(KernelObjects.mapIds());

    Set<Integer> programsMade = new HashSet<>();
    Set<Integer> mapsMade = new HashSet<>();
    long[] nanos = new long[CYCLES];
    for (int i = 0; i < CYCLES; i++) {
      long start = System.nanoTime();
      BpfObject object = cycle(i);
      nanos[i] = System.nanoTime() - start;
      programsMade.addAll(object.programIds());
      mapsMade.addAll(object.mapIds());
    }
    awaitFreed(programsMade, mapsMade);

    TreeMap<Integer, String> fdsAfter = openFds();
    assertEquals(
        fdsBefore.size(),
        fdsAfter.size(),
        () -> "file descriptors opened and not closed, by kind: " + changed(fdsBefore, fdsAfter));
    Set<Integer> programsAfter = Set.copyOf(KernelObjects.programIds());
    Set<Integer> mapsAfter = Set.copyOf(KernelObjects.mapIds());
    assertTrue(
        programsAfter.stream().noneMatch(programsMade::contains),
        "programs still loaded: " + intersection(programsAfter, programsMade));
    assertTrue(
        mapsAfter.stream().noneMatch(mapsMade::contains),
        "maps still present: " + intersection(mapsAfter, mapsMade));
    // Other processes may load and free objects meanwhile, so the lists are compared by
    // ownership: every id the cycles created is gone. The counts are printed for the record.

    Arrays.sort(nanos);
    System.out.printf(
        "attach/close leak test: %d cycles (%d programs, %d maps created and freed),"
            + " median %.0f us, p99 %.0f us per cycle; fds %d before and after;"
            + " kernel programs %d -> %d, maps %d -> %d%n",
        CYCLES,
        programsMade.size(),
        mapsMade.size(),
        nanos[CYCLES / 2] / 1e3,
        nanos[CYCLES * 99 / 100] / 1e3,
        fdsBefore.size(),
        programsBefore.size(),
        programsAfter.size(),
        mapsBefore.size(),
        mapsAfter.size());
  }

  /** Attaches one of the three Loaders, maybe runs traffic, closes it; returns its object. */
  private static BpfObject cycle(int i) throws IOException {
    switch (i % 3) {
      case 0:
        try (EchoLoader echo = EchoLoader.attach()) {
          if (i % TRAFFIC_EVERY == 0) {
            echoWhileOpen(echo, i);
          }
          return echo.object();
        }
      case 1:
        try (SpliceLoader splice = SpliceLoader.attach()) {
          return splice.object();
        }
      default:
        try (BypassLoader bypass = BypassLoader.attach()) {
          return bypass.object();
        }
    }
  }

  /**
   * Echoes one message through the kernel, then leaves the socket open in the map while the Loader
   * closes (the socket is closed only after).
   */
  private static void echoWhileOpen(EchoLoader echo, int i) throws IOException {
    LoopbackPair pair = LoopbackPair.open();
    try {
      echo.sockets().put(Sockets.cookie(pair.accepted()), pair.accepted());
      byte[] message = ("cycle " + i).getBytes(StandardCharsets.US_ASCII);
      pair.client().getOutputStream().write(message);
      assertArrayEquals(message, pair.readFromClient(message.length));
      echo.close();
    } finally {
      pair.close();
    }
  }

  private static void awaitFreed(Set<Integer> programs, Set<Integer> maps)
      throws InterruptedException {
    long deadline = System.nanoTime() + FREE_TIMEOUT_NANOS;
    while (System.nanoTime() < deadline) {
      if (intersection(Set.copyOf(KernelObjects.programIds()), programs).isEmpty()
          && intersection(Set.copyOf(KernelObjects.mapIds()), maps).isEmpty()) {
        return;
      }
      Thread.sleep(20);
    }
  }

  /** The fds whose target differs between the two snapshots, counted by target kind. */
  private static Map<String, Long> changed(
      Map<Integer, String> before, Map<Integer, String> after) {
    return after.entrySet().stream()
        .filter(e -> !e.getValue().equals(before.get(e.getKey())))
        .collect(
            Collectors.groupingBy(
                e -> e.getValue().replaceAll("\\[\\d+]", "[]"),
                TreeMap::new,
                Collectors.counting()));
  }

  private static List<Integer> intersection(Set<Integer> a, Set<Integer> b) {
    List<Integer> both = new ArrayList<>();
    for (int id : a) {
      if (b.contains(id)) {
        both.add(id);
      }
    }
    return both;
  }

  /**
   * This JVM's open fds, number to target ({@code socket:[123]}, a path, {@code
   * anon_inode:bpf-map}).
   */
  private static TreeMap<Integer, String> openFds() throws IOException {
    TreeMap<Integer, String> fds = new TreeMap<>();
    Path dir = Path.of("/proc/self/fd");
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        try {
          fds.put(
              Integer.parseInt(entry.getFileName().toString()),
              Files.readSymbolicLink(entry).toString());
        } catch (IOException e) {
          // the directory stream's own fd, gone by the time it is read
        }
      }
    }
    return fds;
  }
}
