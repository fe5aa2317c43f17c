package io.sockmap4j.examples.bench;

import io.sockmap4j.examples.echo.EchoLoader;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.SockMapHandle;
import io.sockmap4j.runtime.Sockets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The control plane: how fast Java puts sockets into a map, next to C doing the same {@code bpf()}
 * calls, and how long a generated Loader's {@code attach()} takes.
 *
 * <p>Inserts: {@code sockets} established loopback sockets go into the {@link InsertTarget} SOCKMAP
 * (verdict attached, so each insert creates the socket's psock), index {@code i} for socket {@code
 * i}; a round times the inserts, then empties the map untimed. Java's {@code put} is a {@code
 * BPF_MAP_UPDATE_ELEM} plus the kick ({@code getsockopt} and {@code setsockopt} of {@code
 * SO_RCVLOWAT}, see {@code Sockets.kick}); the C program times exactly that sequence, and the bare
 * update for reference.
 */
final class ControlPlane {
  private ControlPlane() {}

  /**
   * Insert rates (inserts/s) per form, one value per round, in a stable order (C first).
   *
   * <p>Before measuring, each Java form inserts (and removes) at least {@code warmupInserts}
   * sockets untimed, so that its path is compiled by C2 before any round counts, not during the
   * first. Each round then runs the C program once and each Java form once, the order rotated from
   * round to round, so that noise from other processes falls on all of them alike and no form is
   * always first.
   */
  static Map<String, List<Double>> inserts(
      int sockets, int rounds, int warmupInserts, Path cProgram, Consumer<BpfObject> loaded)
      throws Exception {
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    List<SocketChannel> channels = new ArrayList<>();
    try (InsertTargetLoader bpf = InsertTargetLoader.attach();
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
      listener.bind(new InetSocketAddress("127.0.0.1", 0), sockets);
      for (int i = 0; i < sockets; i++) {
        channels.add(SocketChannel.open(listener.getLocalAddress()));
        channels.add(listener.accept());
      }
      loaded.accept(bpf.object());
      SockMapHandle slots = bpf.slots();
      int[] fds = new int[sockets];
      for (int i = 0; i < sockets; i++) {
        fds[i] = Sockets.fd(channels.get(2 * i));
      }
      Map<String, Insert> forms = new LinkedHashMap<>();
      forms.put("java put(int, int fd)", i -> slots.put(i, fds[i]));
      forms.put("java put(int, SocketChannel)", i -> slots.put(i, channels.get(2 * i)));
      forms.put(
          "java putIfAbsent(int, SocketChannel)", i -> slots.putIfAbsent(i, channels.get(2 * i)));

      int warmupRounds = Math.max(1, (warmupInserts + sockets - 1) / sockets);
      for (Insert form : forms.values()) {
        for (int round = 0; round < warmupRounds; round++) {
          timeRound(form, slots, sockets);
        }
      }
      List<String> variants = new ArrayList<>();
      if (cProgram != null) {
        variants.add(C_ROUND);
        rates.put("c update+kick", new ArrayList<>()); // the baseline first in the table
        rates.put("c update", new ArrayList<>());
      }
      variants.addAll(forms.keySet());
      forms.keySet().forEach(form -> rates.put(form, new ArrayList<>()));
      for (int round = 0; round < rounds; round++) {
        List<String> order = new ArrayList<>(variants);
        Collections.rotate(order, -round);
        for (String variant : order) {
          if (variant.equals(C_ROUND)) {
            cInserts(cProgram, sockets)
                .forEach(
                    (form, rate) -> rates.computeIfAbsent(form, k -> new ArrayList<>()).add(rate));
          } else {
            long nanos = timeRound(forms.get(variant), slots, sockets);
            rates.get(variant).add(sockets / (nanos / 1e9));
          }
        }
      }
    } finally {
      channels.forEach(SelectorThread::closeQuietly);
    }
    return rates;
  }

  private static final String C_ROUND = "c";

  /** Inserts socket {@code i} at index {@code i} for every socket (timed), then empties the map. */
  private static long timeRound(Insert form, SockMapHandle slots, int sockets) {
    long start = System.nanoTime();
    for (int i = 0; i < sockets; i++) {
      form.insert(i);
    }
    long nanos = System.nanoTime() - start;
    for (int i = 0; i < sockets; i++) {
      slots.remove(i);
    }
    return nanos;
  }

  private interface Insert {
    void insert(int index);
  }

  /**
   * Runs {@code bench/dataplane/c/inserts.c} (built by {@code run.sh}) for one measured round; it
   * prints one line per form: {@code <form> <inserts per second>}.
   */
  private static Map<String, Double> cInserts(Path program, int sockets)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(program)) {
      throw new IOException(
          program + " is not an executable; build it with bench/dataplane/run.sh");
    }
    Process process =
        new ProcessBuilder(program.toString(), Integer.toString(sockets), "1")
            .redirectErrorStream(true)
            .start();
    Map<String, Double> rates = new LinkedHashMap<>();
    List<String> output = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        output.add(line);
        int space = line.lastIndexOf(' ');
        if (line.startsWith("c ") && space > 0) {
          rates.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || rates.isEmpty()) {
      process.destroy();
      throw new IOException(program + " failed: " + String.join("\n", output));
    }
    return rates;
  }

  /** Milliseconds per {@code EchoLoader.attach()} and per {@code close()}, {@code times} each. */
  static Map<String, List<Double>> attach(int times, Consumer<BpfObject> loaded) {
    List<Double> attach = new ArrayList<>();
    List<Double> close = new ArrayList<>();
    for (int i = -1; i < times; i++) { // the first pair warms up class loading and JNA
      long start = System.nanoTime();
      EchoLoader bpf = EchoLoader.attach();
      long attached = System.nanoTime();
      loaded.accept(bpf.object());
      long recorded = System.nanoTime();
      bpf.close();
      long closed = System.nanoTime();
      if (i >= 0) {
        attach.add((attached - start) / 1e6);
        close.add((closed - recorded) / 1e6);
      }
    }
    Map<String, List<Double>> milliseconds = new LinkedHashMap<>();
    milliseconds.put("EchoLoader.attach()", attach);
    milliseconds.put("EchoLoader.close()", close);
    return milliseconds;
  }
}
