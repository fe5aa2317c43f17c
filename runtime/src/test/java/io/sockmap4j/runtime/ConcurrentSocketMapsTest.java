package io.sockmap4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sockmap4j.runtime.testing.KernelTest;
import io.sockmap4j.runtime.testing.LoopbackPair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several threads put, replace and remove sockets in one SOCKMAP and one SOCKHASH (both with a
 * stream verdict attached) while bytes flow through sockets that stay in the maps.
 *
 * <p>Each churn thread owns its keys and two sockets per key, so it knows exactly what every call
 * must answer ({@code putIfAbsent}/{@code replace}/{@code remove}/{@code contains}/{@code cookie});
 * all threads also fight over one shared index, where only the kernel's EBUSY for re-putting the
 * socket already there is allowed. Afterwards the maps must hold exactly what the threads' models
 * say, the traffic must have arrived byte for byte, and no file descriptor may have leaked.
 */
@ExtendWith(KernelLeakCheck.class)
class ConcurrentSocketMapsTest {

  private static final String SOCKS = TestNames.of("csocks");
  private static final String HASH = TestNames.of("chash");
  private static final int THREADS = 4;
  private static final int KEYS_PER_THREAD = 4;
  private static final int OPS_PER_THREAD = 3000;
  private static final int STABLE = 2; // per map
  private static final int SHARED_INDEX = 63;
  private static final int TRAFFIC_BYTES = 4 << 20;
  private static final int CHUNK = 8192;

  private final Set<String> expectedFailures = ConcurrentHashMap.newKeySet();

  @KernelTest
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void concurrentPutsAndRemovesWhileTrafficFlows() throws Exception {
    // The JDK keeps one end of a UNIX socketpair for its whole life (FileDispatcherImpl's
    // preClose fd, made when the class initializes on the first close of a channel in use):
    // create it now so it does not count as a leak.
    Class.forName("sun.nio.ch.FileDispatcherImpl", true, null);
    long fdsBefore = openFds();
    ObjectSpec spec =
        new ObjectSpec(
            "GPL",
            List.of(TestSpecs.sockmap(SOCKS, 64), TestSpecs.sockhash(HASH, 8, 64)),
            List.of(
                TestSpecs.pass(TestNames.of("vmap"), TestSpecs.SK_SKB, 5, 0),
                TestSpecs.pass(TestNames.of("vhash"), TestSpecs.SK_SKB, 5, 1)));
    List<LoopbackPair> pairs = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 2 * STABLE);
    try (BpfObject object = BpfObject.load(spec)) {
      SockMapHandle socks = new SockMapHandle(object.map(SOCKS));
      SockHashHandle<Long> hash = new SockHashHandle<>(object.map(HASH), KeyCodec.LONG);

      List<LoopbackPair> stable = new ArrayList<>();
      for (int i = 0; i < 2 * STABLE; i++) {
        LoopbackPair pair = LoopbackPair.open();
        pairs.add(pair);
        stable.add(pair);
        if (i < STABLE) {
          socks.put(i, pair.accepted());
        } else {
          hash.put((long) i, pair.accepted());
        }
      }
      List<Churn> churns = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        List<LoopbackPair> own = new ArrayList<>();
        for (int i = 0; i < 2 * KEYS_PER_THREAD * 2 + 1; i++) {
          LoopbackPair pair = LoopbackPair.open();
          pairs.add(pair);
          own.add(pair);
        }
        churns.add(new Churn(t, socks, hash, own));
      }

      AtomicBoolean churning = new AtomicBoolean(true);
      List<Future<Long>> traffic = new ArrayList<>();
      for (int i = 0; i < stable.size(); i++) {
        LoopbackPair pair = stable.get(i);
        long seed = i;
        traffic.add(pool.submit(() -> pump(pair, seed, churning)));
      }
      List<Future<Void>> work = new ArrayList<>();
      for (Churn churn : churns) {
        work.add(pool.submit(churn));
      }
      for (Future<Void> future : work) {
        future.get(120, TimeUnit.SECONDS);
      }
      churning.set(false);
      long moved = 0;
      for (Future<Long> future : traffic) {
        moved += future.get(120, TimeUnit.SECONDS);
      }

      // The maps hold exactly what the models say.
      Map<Integer, Long> expectedMap = new HashMap<>();
      Map<Long, Long> expectedHash = new HashMap<>();
      for (int i = 0; i < STABLE; i++) {
        expectedMap.put(i, Sockets.cookie(stable.get(i).accepted()));
        expectedHash.put((long) (STABLE + i), Sockets.cookie(stable.get(STABLE + i).accepted()));
      }
      Set<Long> sharedCookies = new HashSet<>();
      for (Churn churn : churns) {
        expectedMap.putAll(churn.mapModel());
        expectedHash.putAll(churn.hashModel());
        sharedCookies.add(Sockets.cookie(churn.shared()));
      }
      OptionalLong shared = socks.cookie(SHARED_INDEX);
      if (shared.isPresent()) {
        assertTrue(
            sharedCookies.contains(shared.getAsLong()), "a foreign socket at the shared index");
        expectedMap.put(SHARED_INDEX, shared.getAsLong());
      }
      assertEquals(new TreeSet<>(expectedMap.keySet()), new TreeSet<>(socks.indexes()));
      for (Map.Entry<Integer, Long> e : expectedMap.entrySet()) {
        assertEquals(OptionalLong.of(e.getValue()), socks.cookie(e.getKey()), "index " + e);
      }
      assertEquals(expectedHash.keySet(), new HashSet<>(hash.keys()));
      assertEquals(expectedHash.size(), hash.size());
      for (Map.Entry<Long, Long> e : expectedHash.entrySet()) {
        assertEquals(OptionalLong.of(e.getValue()), hash.cookie(e.getKey()), "key " + e);
      }
      long ops = churns.stream().mapToLong(c -> c.ops).sum();
      System.out.printf(
          "ConcurrentSocketMapsTest: %d map operations on %d threads, %d MiB of traffic through"
              + " %d sockets that stayed in; expected refusals: %s%n",
          ops, THREADS, moved >> 20, stable.size(), expectedFailures);
      assertEquals((long) stable.size() * TRAFFIC_BYTES, moved);
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
      for (LoopbackPair pair : pairs) {
        pair.close();
      }
    }
    assertEquals(fdsBefore, openFds(), () -> "file descriptors leaked: " + fdLinks());
  }

  /**
   * Writes pseudo-random bytes into the client and checks each arrives, in order, at the server.
   */
  private static long pump(LoopbackPair pair, long seed, AtomicBoolean churning)
      throws IOException {
    Random random = new Random(seed);
    OutputStream out = pair.client().getOutputStream();
    pair.accepted().socket().setSoTimeout((int) LoopbackPair.READ_TIMEOUT.toMillis());
    InputStream in = pair.accepted().socket().getInputStream();
    byte[] sent = new byte[CHUNK];
    byte[] received = new byte[CHUNK];
    long moved = 0;
    while (moved < TRAFFIC_BYTES) {
      random.nextBytes(sent);
      out.write(sent);
      int filled = 0;
      while (filled < CHUNK) {
        int n = in.read(received, filled, CHUNK - filled);
        if (n < 0) {
          throw new IOException("end of stream after " + (moved + filled) + " bytes");
        }
        filled += n;
      }
      if (!Arrays.equals(sent, received)) {
        throw new AssertionError("bytes differ in the chunk at offset " + moved);
      }
      moved += CHUNK;
    }
    return moved;
  }

  /** One thread's share of the churn, with the model of what its keys hold. */
  private final class Churn implements java.util.concurrent.Callable<Void> {
    private final int thread;
    private final SockMapHandle socks;
    private final SockHashHandle<Long> hash;
    private final List<LoopbackPair> own;
    private final int[] mapHeld = new int[KEYS_PER_THREAD];
    private final int[] hashHeld = new int[KEYS_PER_THREAD];
    long ops;

    Churn(int thread, SockMapHandle socks, SockHashHandle<Long> hash, List<LoopbackPair> own) {
      this.thread = thread;
      this.socks = socks;
      this.hash = hash;
      this.own = own;
      Arrays.fill(mapHeld, -1);
      Arrays.fill(hashHeld, -1);
    }

    int index(int k) {
      return STABLE + thread * KEYS_PER_THREAD + k;
    }

    long hashKey(int k) {
      return 1000L + thread * KEYS_PER_THREAD + k;
    }

    /** Socket {@code which} (0 or 1) of key {@code k}; map and hash use separate sockets. */
    int fd(boolean map, int k, int which) {
      int slot = (map ? 0 : 2 * KEYS_PER_THREAD) + 2 * k + which;
      return Sockets.fd(own.get(slot).accepted());
    }

    java.net.Socket shared() {
      return own.get(own.size() - 1).client();
    }

    Map<Integer, Long> mapModel() {
      Map<Integer, Long> model = new HashMap<>();
      for (int k = 0; k < KEYS_PER_THREAD; k++) {
        if (mapHeld[k] >= 0) {
          model.put(index(k), Sockets.cookie(fd(true, k, mapHeld[k])));
        }
      }
      return model;
    }

    Map<Long, Long> hashModel() {
      Map<Long, Long> model = new HashMap<>();
      for (int k = 0; k < KEYS_PER_THREAD; k++) {
        if (hashHeld[k] >= 0) {
          model.put(hashKey(k), Sockets.cookie(fd(false, k, hashHeld[k])));
        }
      }
      return model;
    }

    @Override
    public Void call() throws IOException {
      Random random = new Random(100 + thread);
      int sharedFd = Sockets.fd(shared());
      for (int i = 0; i < OPS_PER_THREAD; i++, ops++) {
        int k = random.nextInt(KEYS_PER_THREAD);
        int op = random.nextInt(7);
        if (op == 6) {
          try {
            if (random.nextBoolean()) {
              socks.put(SHARED_INDEX, sharedFd);
            } else {
              socks.remove(SHARED_INDEX);
            }
          } catch (BpfException e) {
            // This thread's socket may still be there from its last put: EBUSY, nothing else.
            // (Where the message says it is can be stale: other threads keep changing the index.)
            expect(e, "EBUSY", "already carries a program of a kind " + SOCKS + " attaches");
          }
          continue;
        }
        boolean map = random.nextBoolean();
        int[] held = map ? mapHeld : hashHeld;
        int other = held[k] < 0 ? random.nextInt(2) : 1 - held[k];
        if (random.nextInt(20) == 0) {
          own.get((map ? 0 : 2 * KEYS_PER_THREAD) + 2 * k + other)
              .client()
              .getOutputStream()
              .write(k);
        }
        switch (op) {
          case 0: // put a socket that is not there (re-putting the one there is EBUSY)
            put(map, k, other);
            held[k] = other;
            break;
          case 1:
            check(putIfAbsent(map, k, other) == (held[k] < 0), "putIfAbsent", map, k);
            held[k] = held[k] < 0 ? other : held[k];
            break;
          case 2:
            check(replace(map, k, other) == (held[k] >= 0), "replace", map, k);
            held[k] = held[k] >= 0 ? other : held[k];
            break;
          case 3:
            check(remove(map, k) == (held[k] >= 0), "remove", map, k);
            held[k] = -1;
            break;
          case 4:
            OptionalLong cookie = map ? socks.cookie(index(k)) : hash.cookie(hashKey(k));
            OptionalLong expected =
                held[k] < 0
                    ? OptionalLong.empty()
                    : OptionalLong.of(Sockets.cookie(fd(map, k, held[k])));
            check(cookie.equals(expected), "cookie", map, k);
            break;
          default: // re-put the socket already there: the kernel refuses with EBUSY
            if (held[k] >= 0) {
              try {
                put(map, k, held[k]);
                fail("re-putting a socket into a map with programs was accepted");
              } catch (BpfException e) {
                expect(e, "EBUSY", "it is already in " + (map ? SOCKS : HASH));
              }
            }
        }
      }
      return null;
    }

    private void put(boolean map, int k, int which) {
      if (map) {
        socks.put(index(k), fd(true, k, which));
      } else {
        hash.put(hashKey(k), fd(false, k, which));
      }
    }

    private boolean putIfAbsent(boolean map, int k, int which) {
      return map
          ? socks.putIfAbsent(index(k), fd(true, k, which))
          : hash.putIfAbsent(hashKey(k), fd(false, k, which));
    }

    private boolean replace(boolean map, int k, int which) {
      return map
          ? socks.replace(index(k), fd(true, k, which))
          : hash.replace(hashKey(k), fd(false, k, which));
    }

    private boolean remove(boolean map, int k) {
      return map ? socks.remove(index(k)) : hash.remove(hashKey(k));
    }

    private void check(boolean ok, String op, boolean map, int k) {
      if (!ok) {
        throw new AssertionError(
            "thread "
                + thread
                + ": "
                + op
                + " on "
                + (map ? "SOCKMAP" : "SOCKHASH")
                + " key "
                + k
                + " disagrees with the thread's own model");
      }
    }

    private void expect(BpfException e, String errno, String phrase) {
      if (!e.errnoName().equals(errno) || !e.getMessage().contains(phrase)) {
        throw new AssertionError("unexpected refusal", e);
      }
      expectedFailures.add(errno);
    }
  }

  private static List<String> fdLinks() {
    List<String> links = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String link = fd.getFileName() + " -> " + Files.readSymbolicLink(fd);
          if (link.contains("socket:")) {
            link +=
                " "
                    + io.sockmap4j.runtime.internal.SocketOptions.describe(
                        Integer.parseInt(fd.getFileName().toString()));
          }
          links.add(link);
        } catch (IOException e) {
          links.add(fd.getFileName() + " (gone)");
        }
      }
    } catch (IOException e) {
      links.add(e.toString());
    }
    return links;
  }

  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
