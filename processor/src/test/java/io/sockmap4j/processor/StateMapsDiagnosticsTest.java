package io.sockmap4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.sockmap4j.processor.DiagnosticsTest.assertError;
import static io.sockmap4j.processor.DiagnosticsTest.compile;
import static io.sockmap4j.processor.DiagnosticsTest.source;

import com.google.testing.compile.Compilation;
import io.sockmap4j.processor.diag.DiagnosticId;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The compile errors of state maps: declarations, keys and values of the wrong type, operations a
 * map kind does not have, and a lookup without its missing case. Each names the map, what it holds,
 * and what to write instead, on the exact line.
 */
class StateMapsDiagnosticsTest {

  /** A verdict over the maps below, made of {@code body}. */
  private static JavaFileObject program(String body) {
    return source(
        """
        record Stat(long packets, int bytes) {}

        @SockMap(maxEntries = 4)
        static SocketMap peers;

        @BpfHash(maxEntries = 16)
        static StateMap<Integer, Long> counts;

        @BpfLruHash(maxEntries = 16)
        static StateMap<Key, Stat> stats;

        @BpfArray(maxEntries = 4)
        static ArrayMap<Short> small;

        @BpfPerCpuArray(maxEntries = 4)
        static PerCpuArray<Stat> perCpu;

        @SkSkbVerdict(map = "peers")
        static Verdict verdict(SkBuff skb) {
          int port = skb.remotePort();
        %s
          return Verdict.PASS;
        }
        """
            .formatted(body));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // key and value types, as Java's boxing rules have them
        "counts.put(port, 1); | counts.put(port, 1) | the value type of map 'counts' is Long, so this argument must"
            + " be a long, not a int",
        "counts.put(skb.socketCookie(), 1L); | skb.socketCookie() | the key type of map 'counts'"
            + " is Integer, so this argument must be a int, not a long",
        "long n = counts.getOrDefault(port, 0); | 0) | must be a long, not a int (write a long,"
            + " e.g. (long) x or 1L)",
        "stats.remove(new Stat(1, 2)); | new Stat | the key type of map 'stats' is Key, so this"
            + " argument must be a Key, not a Stat (write 'new Key(...)'",
        "stats.put(new Key((byte) 1, 2L, (short) 3), 4L); | 4L | the value type of map 'stats'"
            + " is Stat",
        "small.put(1L, (short) 1); | 1L | the index of the ArrayMap 'small' is an int, not long",
        "small.put(1, 1); | small.put(1, 1) | the value type of map 'small' is Short",
      })
  void argumentsMustHaveTheMapsTypes(String statement, String at, String message) {
    JavaFileObject source = program(statement);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.BadArgument, at.strip(), message.strip());
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aLookupMustSayWhatTheMissingCaseIs() {
    JavaFileObject source = program("long n = counts.get(port);");

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.UnknownMethod,
        "counts.get(port)",
        "the StateMap 'counts' has no method 'get'",
        "available: getOrDefault, containsKey, put, putIfAbsent, remove, add",
        "write getOrDefault(key, fallback) so the missing case is handled");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void arrayElementsCannotBeRemovedOrInserted() {
    JavaFileObject source = program("small.remove(1);\nsmall.putIfAbsent(2, (short) 3);");

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.UnknownMethod,
        "small.remove(1)",
        "the ArrayMap 'small' has no method 'remove'",
        "available: getOrDefault, put, add",
        "none can be removed");
    assertError(c, source, DiagnosticId.UnknownMethod, "small.putIfAbsent", "'putIfAbsent'");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void addNeedsIntegerOrLongValues() {
    JavaFileObject source = program("small.add(0, 1);\nperCpu.add(1, 2);");

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.BadArgument,
        "small.add(0, 1)",
        "'small.add(...)' needs Integer or Long values, and small holds Short",
        "declare the values Integer or Long");
    assertError(c, source, DiagnosticId.BadArgument, "perCpu.add(1, 2)", "perCpu holds Stat");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void aRecordValueIsCopiedIntoARecordLocal() {
    JavaFileObject source =
        program(
            """
            long p = perCpu.getOrDefault(0, new Stat(0, 0)).packets();
            Stat s = perCpu.getOrDefault(1, null);
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.Unsupported,
        "long p =",
        "calling 'packets()' on the result of perCpu.getOrDefault",
        "Copy the value into a local first: 'Stat v = perCpu.getOrDefault(0, new Stat(0, 0));'");
    assertError(c, source, DiagnosticId.Unsupported, "Stat s", "null", "no references");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void aRecordLookupIntoALocalCompiles() {
    JavaFileObject source =
        program(
            """
            Stat s = perCpu.getOrDefault(1, new Stat(0, 0));
            s = perCpu.getOrDefault(2, s);
            var k = new Key((byte) 1, 2L, (short) 3);
            Stat t = stats.getOrDefault(k, s);
            perCpu.put(0, new Stat(s.packets() + t.packets(), t.bytes()));
            """);

    assertThat(compile(source)).succeededWithoutWarnings();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "@BpfHash(maxEntries = 4) StateMap<Integer, Long> m; | map fields must be static:"
            + " declare it 'static StateMap<K, V> ...'",
        "@BpfHash(maxEntries = 0) static StateMap<Integer, Long> m; | maxEntries must be at"
            + " least 1, not 0",
        "@BpfArray(maxEntries = 4) static StateMap<Integer, Long> m; | a @BpfArray field must have"
            + " type io.sockmap4j.ArrayMap<V>",
        "@BpfHash(maxEntries = 4) static StateMap<String, Long> m; | unsupported key type"
            + " java.lang.String",
        "@BpfLruHash(maxEntries = 4) static StateMap<Integer, Named> m; | unsupported value type"
            + " test.Prog.Named",
        "@BpfPerCpuArray(maxEntries = 4) static PerCpuArray<Boolean> m; | unsupported value type"
            + " java.lang.Boolean",
        "@BpfHash(maxEntries = 4) @BpfArray(maxEntries = 4) static ArrayMap<Long> m; | a field"
            + " declares one map, but this one has @BpfHash, @BpfArray",
        "@BpfHash(maxEntries = 4) @SockMap(maxEntries = 4) static StateMap<Integer, Long> m; |"
            + " and a socket map annotation",
        "@BpfHash(maxEntries = 4) static StateMap m; | give StateMap its key and value types",
      })
  void badDeclarations(String declaration, String message) {
    JavaFileObject source = source(declaration);

    Compilation c = compile(source);

    assertError(c, source, DiagnosticId.BadMapDeclaration, declaration.strip(), message.strip());
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void programsAttachToSocketMapsOnly() {
    JavaFileObject source =
        source(
            """
            @BpfHash(maxEntries = 4)
            static StateMap<Integer, Long> counts;

            @SkSkbParser(map = "counts")
            static int parse(SkBuff skb) { return skb.len(); }
            """);

    Compilation c = compile(source);

    assertError(
        c,
        source,
        DiagnosticId.BadMapReference,
        "static int parse",
        "@SkSkbParser(map = \"counts\") names a @BpfHash map, which holds values, not sockets",
        "programs attach to a @SockMap or @SockHash");
    assertThat(c).hadErrorCount(1);
  }
}
