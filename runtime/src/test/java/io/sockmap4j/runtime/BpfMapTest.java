package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.runtime.ObjectSpec.MapSpec;
import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.LoopbackPair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/** Raw byte-array map operations against real kernel maps. */
@ExtendWith(KernelLeakCheck.class)
class BpfMapTest {

  private static final String SOCKS = TestNames.of("raw_socks");
  private static final String ARRAY = TestNames.of("raw_array");

  private static BpfObject loadMaps() {
    return BpfObject.load(
        new ObjectSpec(
            "GPL",
            List.of(TestSpecs.sockmap(SOCKS, 3), new MapSpec(ARRAY, TestSpecs.ARRAY, 4, 16, 2, 0)),
            List.of()));
  }

  private static byte[] u32(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
  }

  private static byte[] u64(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value).array();
  }

  private static long readU64(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getLong();
  }

  @KernelTest
  void mapsCarryTheirSpecAndKernelId() {
    try (BpfObject object = loadMaps()) {
      BpfMap socks = object.map(SOCKS);
      assertEquals(SOCKS, socks.name());
      assertEquals(TestSpecs.SOCKMAP, socks.type());
      assertEquals(4, socks.keySize());
      assertEquals(8, socks.valueSize());
      assertEquals(3, socks.maxEntries());
      assertTrue(socks.fd() > 2);
      assertTrue(KernelObjects.mapExists(socks.id()));
      assertEquals(List.of(socks.id(), object.map(ARRAY).id()), object.mapIds());
    }
  }

  @KernelTest
  void sockmapUpdateLookupDeleteWithRealSockets() throws Exception {
    try (BpfObject object = loadMaps();
        LoopbackPair pair = LoopbackPair.open()) {
      BpfMap socks = object.map(SOCKS);
      int fd = Sockets.fd(pair.accepted());

      socks.update(u32(1), u64(fd), 0);

      byte[] value = socks.lookup(u32(1));
      assertEquals(Sockets.cookie(fd), readU64(value), "lookup returns the socket's cookie");
      assertNull(socks.lookup(u32(0)));
      assertTrue(socks.delete(u32(1)));
      assertFalse(socks.delete(u32(1)));
      assertNull(socks.lookup(u32(1)));
    }
  }

  @KernelTest
  void sockmapNextKeyWalksEveryIndex() {
    try (BpfObject object = loadMaps()) {
      BpfMap socks = object.map(SOCKS);
      List<Integer> keys = new ArrayList<>();
      for (byte[] key = socks.nextKey(null); key != null; key = socks.nextKey(key)) {
        keys.add(ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getInt());
      }
      // A SOCKMAP iterates over its index range, occupied or not.
      assertEquals(List.of(0, 1, 2), keys);
    }
  }

  @KernelTest
  void arrayValuesRoundTrip() {
    try (BpfObject object = loadMaps()) {
      BpfMap array = object.map(ARRAY);
      byte[] value = "sixteen bytes!!!".getBytes();
      array.update(u32(1), value, 0);
      assertArrayEquals(value, array.lookup(u32(1)));
      assertArrayEquals(new byte[16], array.lookup(u32(0)), "array elements start zeroed");
    }
  }

  @KernelTest
  void wrongLengthsAreRejectedBeforeTheKernel() {
    try (BpfObject object = loadMaps()) {
      BpfMap socks = object.map(SOCKS);
      IllegalArgumentException key =
          assertThrows(IllegalArgumentException.class, () -> socks.lookup(new byte[8]));
      assertEquals("map " + SOCKS + " has key size 4, got 8 bytes", key.getMessage());
      assertThrows(IllegalArgumentException.class, () -> socks.update(u32(0), u32(0), 0));
      assertThrows(IllegalArgumentException.class, () -> socks.nextKey(new byte[3]));
    }
  }

  @KernelTest
  void kernelRefusalsCarryErrnoAndOperation() {
    try (BpfObject object = loadMaps()) {
      BpfMap array = object.map(ARRAY);
      BpfException e =
          assertThrows(BpfException.class, () -> array.update(u32(5), new byte[16], 0));
      assertEquals("E2BIG", e.errnoName());
      assertEquals("BPF_MAP_UPDATE_ELEM " + ARRAY, e.operation());
      assertTrue(e.getMessage().contains("(errno 7 E2BIG: "), e.getMessage());
    }
  }

  @KernelTest
  void operationsAfterCloseFailInsteadOfReusingTheFd() {
    BpfObject object = loadMaps();
    BpfMap socks = object.map(SOCKS);
    object.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> socks.lookup(u32(0)));
    assertEquals("map " + SOCKS + " is closed", e.getMessage());
    assertThrows(IllegalStateException.class, socks::fd);
  }
}
