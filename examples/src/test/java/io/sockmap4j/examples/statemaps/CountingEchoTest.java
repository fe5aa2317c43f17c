package io.sockmap4j.examples.statemaps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sockmap4j.examples.KernelCleanup;
import io.sockmap4j.examples.Traffic;
import io.sockmap4j.examples.net.ServerLoop;
import io.sockmap4j.runtime.Sockets;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * State maps under real loopback traffic: the echo verdict counts while it echoes, and the Loader's
 * typed handles read back exactly what was sent.
 */
class CountingEchoTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  @KernelTest
  void countsEveryEchoedByteByPortFlowAndCpu() throws Exception {
    KernelCleanup.Ids ids;
    try (CountingEchoLoader bpf = CountingEchoLoader.attach();
        ServerLoop server = serve(bpf)) {
      ids = KernelCleanup.Ids.of(bpf.object());
      int bytes = 300_000;
      int port;
      try (Socket client = new Socket()) {
        client.connect(server.address(), 5_000);
        port = client.getLocalPort();
        Traffic.Result result = Traffic.echo(client, bytes, 3);
        assertTrue(result.byteExact(), result.toString());
      }

      assertEquals(Map.of(port, (long) bytes, 0, (long) bytes), bpf.bytesByPort().entries());
      assertEquals(List.of((long) bytes, 0L), bpf.totals().values());
      CountingEcho.FlowStats flow =
          bpf.flows().get(new CountingEcho.Flow(0x7f000001, port)).orElseThrow();
      assertEquals(bytes, flow.bytes());
      assertTrue(flow.largest() > 0 && flow.largest() <= bytes, flow.toString());
      assertEquals(bpf.messages().possibleCpus(), bpf.messages().values(0).size());
      assertEquals(flow.messages(), bpf.messages().sum(0), "one message per verdict, per CPU");
    }
    KernelCleanup.assertFreed(ids);
  }

  /**
   * Eight connections echo at once, so verdicts on both CPUs add to the shared total (key 0 of the
   * hash, index 0 of the array) at the same time, and race to insert it: no addition is lost.
   */
  @KernelTest
  void concurrentAdditionsFromManyConnectionsAreAllCounted() throws Exception {
    try (CountingEchoLoader bpf = CountingEchoLoader.attach();
        ServerLoop server = serve(bpf)) {
      int clients = 8;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<int[]>> runs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          int bytes = 100_000 + 7_919 * i;
          int seed = i;
          runs.add(
              pool.submit(
                  () -> {
                    try (Socket client = new Socket()) {
                      client.connect(server.address(), 5_000);
                      Traffic.Result r = Traffic.echo(client, bytes, seed);
                      assertTrue(r.byteExact(), r.toString());
                      return new int[] {client.getLocalPort(), bytes};
                    }
                  }));
        }
        Map<Integer, Long> expected = new HashMap<>();
        long total = 0;
        for (Future<int[]> run : runs) {
          int[] portAndBytes = run.get();
          expected.put(portAndBytes[0], (long) portAndBytes[1]);
          total += portAndBytes[1];
        }
        expected.put(0, total);

        assertEquals(expected, bpf.bytesByPort().entries());
        assertEquals(total, bpf.totals().get(0));
        long flowMessages =
            bpf.flows().entries().values().stream()
                .mapToLong(CountingEcho.FlowStats::messages)
                .sum();
        assertEquals(flowMessages, bpf.messages().sum(0));
        assertEquals(
            total,
            bpf.flows().entries().values().stream().mapToLong(CountingEcho.FlowStats::bytes).sum());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** The Loader flips a switch in an array map; the next verdicts read it and drop. */
  @KernelTest
  void aSwitchSetFromJavaChangesWhatTheProgramDoes() throws Exception {
    try (CountingEchoLoader bpf = CountingEchoLoader.attach();
        ServerLoop server = serve(bpf);
        Socket client = new Socket()) {
      client.connect(server.address(), 5_000);
      Traffic.Result echoed = Traffic.echo(client, 1_000, 1);
      assertTrue(echoed.byteExact(), echoed.toString());

      bpf.config().put(CountingEcho.DROP_SWITCH, 1);
      OutputStream out = client.getOutputStream();
      out.write(new byte[500]);
      out.flush();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (bpf.totals().get(1) < 500 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(500L, bpf.totals().get(1), "bytes dropped");
      assertEquals(1_500L, bpf.totals().get(0), "bytes seen");
      client.setSoTimeout(200);
      InputStream in = client.getInputStream();
      assertThrowsTimeout(in);
    }
  }

  private static void assertThrowsTimeout(InputStream in) throws Exception {
    try {
      int n = in.read(new byte[16]);
      throw new AssertionError("dropped data came back: read returned " + n);
    } catch (java.net.SocketTimeoutException expected) {
      // nothing was echoed
    }
  }

  private static ServerLoop serve(CountingEchoLoader bpf) throws Exception {
    return ServerLoop.start(
        "counting-echo",
        LOOPBACK,
        (connection, loop) -> {
          bpf.sockets().put(Sockets.cookie(connection), connection);
          loop.watchForEnd(connection, connection);
        });
  }
}
