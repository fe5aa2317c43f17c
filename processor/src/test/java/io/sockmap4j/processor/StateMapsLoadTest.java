package io.sockmap4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import io.sockmap4j.runtime.BpfMap;
import io.sockmap4j.runtime.BpfObject;
import io.sockmap4j.runtime.ObjectSpec;
import io.sockmap4j.runtime.VerifierException;
import io.sockmap4j.runtime.testing.KernelTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * Every state map operation, on every state map kind and on primitive and record keys and values,
 * compiled by the processor and loaded into the real kernel verifier; plus the instruction shapes
 * the operations rely on (the null check before the copy, the atomic add).
 */
class StateMapsLoadTest {

  static final JavaFileObject STATE =
      JavaFileObjects.forSourceString(
          "lang.State",
          """
          package lang;

          import io.sockmap4j.*;

          final class State {
            record Flow(int ip, short port) {}

            record Stat(long packets, int bytes, byte last) {}

            @SockMap(maxEntries = 2)
            static SocketMap peers;

            @BpfHash(maxEntries = 64)
            static StateMap<Integer, Long> bytesByPort;

            @BpfLruHash(maxEntries = 64)
            static StateMap<Flow, Stat> flows;

            @BpfHash(maxEntries = 8)
            static StateMap<Long, Short> small;

            @BpfArray(maxEntries = 4)
            static ArrayMap<Integer> config;

            @BpfArray(maxEntries = 2)
            static ArrayMap<Stat> totals;

            @BpfPerCpuArray(maxEntries = 1)
            static PerCpuArray<Long> packets;

            @SkSkbVerdict(map = "peers")
            static Verdict verdict(SkBuff skb) {
              int port = skb.remotePort();
              bytesByPort.add(port, skb.len());
              packets.add(0, 1);
              long seen = bytesByPort.getOrDefault(port, 0L);
              Flow flow = new Flow(skb.remoteIp4(), (short) port);
              Stat stat = flows.getOrDefault(flow, new Stat(0, 0, (byte) 0));
              stat = new Stat(stat.packets() + 1, stat.bytes() + skb.len(), (byte) skb.len());
              boolean stored = flows.put(flow, stat);
              if (!flows.containsKey(new Flow(1, (short) 2))) {
                flows.putIfAbsent(new Flow(1, (short) 2), stat);
              }
              short s = small.getOrDefault(seen, (short) -1);
              small.put(seen, (short) (s + 1));
              small.remove(7L);
              int mode = config.getOrDefault(1, 0);
              config.put(2, mode + 1);
              Stat total = totals.getOrDefault(0, new Stat(0, 0, (byte) 0));
              totals.put(0, new Stat(total.packets() + 1, total.bytes(), total.last()));
              long mine = packets.getOrDefault(0, 0L);
              packets.put(0, mine);
              if (stored && bytesByPort.remove(port + 1)) {
                return Verdict.DROP;
              }
              return peers.redirect(skb, mode & 1);
            }

            @SkMsgVerdict(map = "peers")
            static Verdict send(SkMsg msg) {
              if (config.getOrDefault(0, 1) == 0) {
                return Verdict.DROP;
              }
              return bytesByPort.add(msg.remotePort(), msg.size()) ? Verdict.PASS : Verdict.DROP;
            }
          }
          """);

  @KernelTest
  void everyOperationLoads() {
    Compilation c = compile(STATE);
    try (BpfObject loaded = BpfObject.load(spec(c))) {
      assertEquals(List.of("verdict", "send"), loaded.programNames());
      BpfMap flows = loaded.map("flows");
      assertEquals(9, flows.type());
      assertEquals(8, flows.keySize());
      assertEquals(16, flows.valueSize()); // long, int, byte: 13 bytes, aligned to 8
      assertEquals(6, loaded.map("packets").type());
      assertEquals(2, loaded.map("config").type());
      assertEquals(1, loaded.map("bytesByPort").type());
      assertEquals(2, loaded.map("small").valueSize());
    } catch (VerifierException e) {
      fail(e.getMessage() + "\n\nverifier log:\n" + e.verifierLog() + "\n\n" + listing(c), e);
    }
  }

  @Test
  void addIsOneAtomicInstructionAfterTheNullCheck() {
    String listing = listing(compile(STATE));
    assertTrue(listing.contains("lock *(u64 *)(r0 +0) += r"), listing);
    assertTrue(listing.contains("call bpf_map_lookup_elem"), listing);
    assertTrue(listing.contains("call bpf_map_update_elem"), listing);
    assertTrue(listing.contains("call bpf_map_delete_elem"), listing);
  }

  static Compilation compile(JavaFileObject... sources) {
    Compilation c = Compiler.javac().withProcessors(new SockmapProcessor()).compile(sources);
    assertThat(c).succeededWithoutWarnings();
    return c;
  }

  static ObjectSpec spec(Compilation c) {
    JavaFileObject object =
        c.generatedFile(StandardLocation.CLASS_OUTPUT, "lang", "State.sockmap4j").orElseThrow();
    try (InputStream in = object.openInputStream()) {
      return ObjectSpec.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String listing(Compilation c) {
    try {
      return c.generatedFile(StandardLocation.CLASS_OUTPUT, "lang", "State.sockmap4j.txt")
          .orElseThrow()
          .getCharContent(true)
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
