package io.sockmap4j.examples;

import io.sockmap4j.examples.net.PlainEchoServer;
import io.sockmap4j.examples.proxy.SpliceProxy;
import io.sockmap4j.runtime.KernelObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The README's demo: a client talks to an echo backend through {@link SpliceProxy}, on loopback,
 * and the demo prints what happened: what went each way, that the proxy's Java code read none of
 * it, and that closing the proxy freed every kernel object.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    System.out.println("sockmap4j demo: a TCP proxy spliced in the kernel");
    List<Integer> programs;
    List<Integer> maps;
    boolean ok;
    try (PlainEchoServer backend = PlainEchoServer.start(loopback);
        SpliceProxy proxy = SpliceProxy.start(loopback, backend.address())) {
      programs = proxy.bpf().object().programIds();
      maps = proxy.bpf().object().mapIds();
      System.out.printf("  backend  %s (an ordinary Java echo server)%n", text(backend.address()));
      System.out.printf(
          "  proxy    %s -> backend; verdict program ids %s, map ids %s%n",
          text(proxy.address()), programs, maps);
      ok = exchange(proxy);
      System.out.printf(
          "  proxy    payload bytes handled by Java: %d (the kernel moved them all)%n",
          proxy.bytesHandledByJava());
      ok &= proxy.bytesHandledByJava() == 0;
    }
    boolean freed = waitFreed(programs, maps);
    System.out.println(
        "  closed   programs and maps freed in the kernel: " + (freed ? "yes" : "NO"));
    ok &= freed;
    System.out.println(ok ? "OK: proxied exchange succeeded" : "FAILED");
    System.exit(ok ? 0 : 1);
  }

  private static boolean exchange(SpliceProxy proxy) throws IOException {
    boolean ok = true;
    try (Socket client = new Socket()) {
      client.connect(proxy.address(), 5_000);
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      byte[] hello = "hello through the kernel".getBytes(StandardCharsets.US_ASCII);
      out.write(hello); // very likely sent before the proxy has spliced the sockets
      byte[] back = in.readNBytes(hello.length);
      boolean same = Arrays.equals(hello, back);
      System.out.printf(
          "  client   sent \"%s\", got back \"%s\" %s%n",
          new String(hello, StandardCharsets.US_ASCII),
          new String(back, StandardCharsets.US_ASCII),
          same ? "(identical)" : "(DIFFERENT)");
      ok &= same;
      byte[] bulk = new byte[1 << 20];
      new Random(42).nextBytes(bulk);
      long start = System.nanoTime();
      Thread writer =
          new Thread(
              () -> {
                try {
                  out.write(bulk);
                } catch (IOException e) {
                  System.out.println("  client   write failed: " + e);
                }
              });
      writer.start();
      byte[] echoed = in.readNBytes(bulk.length);
      writer.join();
      double ms = (System.nanoTime() - start) / 1e6;
      boolean exact = Arrays.equals(bulk, echoed);
      System.out.printf(
          "  client   sent %d random bytes, got %d back in %.1f ms, byte-exact: %s%n",
          bulk.length, echoed.length, ms, exact ? "yes" : "NO");
      ok &= exact;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return ok;
  }

  private static String text(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  private static boolean waitFreed(List<Integer> programs, List<Integer> maps)
      throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (programs.stream().noneMatch(KernelObjects::programExists)
          && maps.stream().noneMatch(KernelObjects::mapExists)) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}
