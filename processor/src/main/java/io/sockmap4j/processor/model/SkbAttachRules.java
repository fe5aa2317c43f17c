package io.sockmap4j.processor.model;

import io.sockmap4j.processor.diag.DiagnosticId;
import io.sockmap4j.processor.diag.Reporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which SK_SKB programs can share a map. The kernel keeps one slot per attach type, and two of them
 * exclude each other:
 *
 * <ul>
 *   <li>a stream verdict ({@code BPF_SK_SKB_STREAM_VERDICT}) and an skb verdict ({@code
 *       BPF_SK_SKB_VERDICT}): the second attach fails with {@code EBUSY};
 *   <li>a stream parser and an skb verdict: both attach, but the kernel only starts the stream
 *       parser for a stream verdict, so the parser would never run.
 * </ul>
 *
 * Each conflict is reported at the later method ({@link DiagnosticId#ConflictingPrograms}), which
 * is left out so the class produces nothing half-attached.
 */
final class SkbAttachRules {
  private SkbAttachRules() {}

  /** The programs of {@code programs} that conflict with none before them; the rest reported. */
  static List<ProgramDecl> check(List<ProgramDecl> programs, Reporter reporter) {
    List<ProgramDecl> kept = new ArrayList<>();
    for (ProgramDecl p : programs) {
      Optional<ProgramDecl> other =
          kept.stream().filter(q -> sameMap(p, q) && conflict(p, q)).findFirst();
      if (other.isEmpty()) {
        kept.add(p);
        continue;
      }
      reporter.error(DiagnosticId.ConflictingPrograms, p.method(), message(p, other.get()));
    }
    return List.copyOf(kept);
  }

  /** Whether both programs attach to one map (sock_ops programs attach to a cgroup, not a map). */
  private static boolean sameMap(ProgramDecl a, ProgramDecl b) {
    return a.map() != null && b.map() != null && a.map().name().equals(b.map().name());
  }

  private static boolean conflict(ProgramDecl a, ProgramDecl b) {
    return pair(a, b, ProgramKind.SKB_VERDICT, ProgramKind.SKB_SOCKET_VERDICT)
        || pair(a, b, ProgramKind.SKB_PARSER, ProgramKind.SKB_SOCKET_VERDICT);
  }

  private static boolean pair(ProgramDecl a, ProgramDecl b, ProgramKind x, ProgramKind y) {
    return (a.kind() == x && b.kind() == y) || (a.kind() == y && b.kind() == x);
  }

  private static String message(ProgramDecl p, ProgramDecl other) {
    String map = p.map().name();
    String both =
        "map '"
            + map
            + "' already has the @"
            + other.kind().annotationSimpleName()
            + " program '"
            + other.name()
            + "', so it cannot also have the @"
            + p.kind().annotationSimpleName()
            + " '"
            + p.name()
            + "': ";
    boolean parser = p.kind() == ProgramKind.SKB_PARSER || other.kind() == ProgramKind.SKB_PARSER;
    if (parser) {
      return both
          + "the kernel runs a stream parser only before a stream verdict, so this parser would"
          + " never run. Frame messages with @SkSkbParser + @SkSkbVerdict, or use @SkbVerdict"
          + " alone.";
    }
    return both
        + "a map holds a stream verdict (@SkSkbVerdict, TCP with an optional parser) or an skb"
        + " verdict (@SkbVerdict, Linux 5.13, TCP, UDP and AF_UNIX), not both; the kernel refuses"
        + " the second with EBUSY. Keep one of them, or attach the other to another map.";
  }
}
