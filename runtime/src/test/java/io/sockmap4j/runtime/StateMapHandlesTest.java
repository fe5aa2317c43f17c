package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.ObjectSpec.MapSpec;
import io.sockmap4j.runtime.testing.KernelTest;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The typed state map handles against real kernel maps: HASH, LRU_HASH, ARRAY, PERCPU_ARRAY. */
@ExtendWith(KernelLeakCheck.class)
class StateMapHandlesTest {
  private static final String MAP = TestNames.of("state");

  private static BpfObject load(int type, int keySize, int valueSize, int maxEntries) {
    return BpfObject.load(
        new ObjectSpec(
            "GPL", List.of(new MapSpec(MAP, type, keySize, valueSize, maxEntries, 0)), List.of()));
  }

  @KernelTest
  void hashPutGetReplaceRemoveAndIterate() {
    try (BpfObject object = load(1, 8, 8 /* SockHashHandleTest.Peer */, 4)) {
      StateMapHandle<SockHashHandleTest.Peer, Long> map =
          new StateMapHandle<>(object.map(MAP), SockHashHandleTest.PEER, KeyCodec.LONG);
      SockHashHandleTest.Peer a = new SockHashHandleTest.Peer(0x7f000001, (short) 8080);
      SockHashHandleTest.Peer b = new SockHashHandleTest.Peer(0x7f000002, (short) -1);

      assertEquals(Optional.empty(), map.get(a));
      assertEquals(-5L, map.getOrDefault(a, -5L));
      map.put(a, 1L << 40);
      assertEquals(Optional.of(1L << 40), map.get(a));
      assertTrue(map.containsKey(a));
      assertFalse(map.putIfAbsent(a, 3L));
      assertEquals(Optional.of(1L << 40), map.get(a));
      assertFalse(map.replace(b, 3L));
      assertFalse(map.containsKey(b));
      assertTrue(map.putIfAbsent(b, -7L));
      assertTrue(map.replace(a, 2L));

      Map<SockHashHandleTest.Peer, Long> expected = Map.of(a, 2L, b, -7L);
      assertEquals(expected, map.entries());
      assertEquals(Set.copyOf(expected.keySet()), Set.copyOf(map.keys()));
      assertEquals(2, map.size());

      assertTrue(map.remove(a));
      assertFalse(map.remove(a));
      assertEquals(Map.of(b, -7L), map.entries());
      map.clear();
      assertEquals(0, map.size());
    }
  }

  @KernelTest
  void aFullHashRefusesNewKeysButReplacesOldOnes() {
    try (BpfObject object = load(1, 4, 4, 2)) {
      StateMapHandle<Integer, Integer> map =
          new StateMapHandle<>(object.map(MAP), KeyCodec.INT, KeyCodec.INT);
      map.put(1, 10);
      map.put(2, 20);
      BpfException full = assertThrows(BpfException.class, () -> map.put(3, 30));
      assertEquals("E2BIG", full.errnoName());
      map.put(2, 21);
      assertEquals(Map.of(1, 10, 2, 21), map.entries());
    }
  }

  @KernelTest
  void anLruHashEvictsInsteadOfRefusing() {
    // The LRU keeps per-CPU free lists: a capacity of a few per CPU never refuses an insert.
    int capacity = 8 * PossibleCpus.count();
    try (BpfObject object = load(9, 4, 8, capacity)) {
      StateMapHandle<Integer, Long> map =
          new StateMapHandle<>(object.map(MAP), KeyCodec.INT, KeyCodec.LONG);
      for (int i = 0; i < 4 * capacity; i++) {
        map.put(i, (long) i * 3);
      }
      Map<Integer, Long> entries = map.entries();
      assertTrue(entries.size() <= capacity, () -> entries.size() + " > " + capacity);
      assertTrue(entries.containsKey(4 * capacity - 1), "the newest key survives");
      entries.forEach((k, v) -> assertEquals(k * 3L, v));
    }
  }

  @KernelTest
  void arrayElementsExistFromTheStartAndCannotBeRemoved() {
    try (BpfObject object = load(2, 4, 2, 3)) {
      ArrayMapHandle<Short> array = new ArrayMapHandle<>(object.map(MAP), KeyCodec.SHORT);
      assertEquals(3, array.length());
      assertEquals(List.of((short) 0, (short) 0, (short) 0), array.values());
      array.put(2, (short) -2);
      array.put(0, Short.MAX_VALUE);
      assertEquals(List.of(Short.MAX_VALUE, (short) 0, (short) -2), array.values());
      assertEquals((short) -2, array.get(2));
      IndexOutOfBoundsException outside =
          assertThrows(IndexOutOfBoundsException.class, () -> array.get(3));
      assertTrue(outside.getMessage().contains("3 elements"), outside.getMessage());
      assertThrows(IndexOutOfBoundsException.class, () -> array.put(-1, (short) 1));
    }
  }

  @KernelTest
  void perCpuValuesAreListedPerPossibleCpuAndSummed() {
    try (BpfObject object = load(6, 4, 4, 2)) {
      PerCpuArrayHandle<Integer> counters = new PerCpuArrayHandle<>(object.map(MAP), KeyCodec.INT);
      int cpus = PossibleCpus.count();
      assertEquals(cpus, counters.possibleCpus());
      assertEquals(Collections.nCopies(cpus, 0), counters.values(1));
      counters.put(1, 7);
      assertEquals(Collections.nCopies(cpus, 7), counters.values(1));
      assertEquals(7L * cpus, counters.sum(1));
      counters.put(1, -1);
      assertEquals(-1L * cpus, counters.sum(1), "int values are summed signed, as a long");
      assertEquals(0L, counters.sum(0));
    }
  }

  @KernelTest
  void handlesRefuseMapsOfAnotherTypeOrSize() {
    try (BpfObject object = load(1, 4, 8, 2)) {
      BpfMap map = object.map(MAP);
      assertThrows(IllegalArgumentException.class, () -> new ArrayMapHandle<>(map, KeyCodec.LONG));
      IllegalArgumentException size =
          assertThrows(
              IllegalArgumentException.class,
              () -> new StateMapHandle<>(map, KeyCodec.INT, KeyCodec.INT));
      assertTrue(size.getMessage().contains("8-byte values"), size.getMessage());
    }
  }

  @Test
  void possibleCpuListsAreCounted() {
    assertEquals(1, PossibleCpus.parse("0\n"));
    assertEquals(4, PossibleCpus.parse("0-3\n"));
    assertEquals(6, PossibleCpus.parse("0,2-5,8")); // 1 + 4 + 1
    assertThrows(IllegalArgumentException.class, () -> PossibleCpus.parse("3-1"));
    assertThrows(NumberFormatException.class, () -> PossibleCpus.parse("a-b"));
  }
}
