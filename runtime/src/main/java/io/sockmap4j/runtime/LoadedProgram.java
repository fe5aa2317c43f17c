package io.sockmap4j.runtime;

import io.sockmap4j.runtime.ObjectSpec.LineEntry;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.BpfLinks;
import io.sockmap4j.runtime.internal.BpfRunStats;
import io.sockmap4j.runtime.internal.LibC;
import io.sockmap4j.runtime.internal.LoggedLoad;
import io.sockmap4j.runtime.internal.ObjectNames;
import io.sockmap4j.runtime.internal.OwnedFd;
import io.sockmap4j.runtime.internal.ProgramBtf;
import io.sockmap4j.runtime.internal.ProgramImage;
import io.sockmap4j.runtime.internal.VerifierLog;
import java.util.ArrayList;
import java.util.List;

/**
 * A program of a {@link BpfObject}: loaded into the kernel, and attached to its map through a
 * bpf_link or {@code BPF_PROG_ATTACH}. Attach and detach are called under the object's lock.
 */
final class LoadedProgram {

  private static final System.Logger LOG = System.getLogger("io.sockmap4j.runtime");

  /** 16 MiB, enough for the log of any program the verifier's 1M-insn budget admits. */
  private static final int LOG_SIZE = 16 << 20;

  private final ProgramSpec spec;
  private final OwnedFd fd;
  private final int id;
  private final String lineInfoProblem;
  private BpfMap attachedTo;
  private OwnedFd link;
  private int linkId;
  private CgroupAttachment cgroup;

  private LoadedProgram(ProgramSpec spec, OwnedFd fd, int id, String lineInfoProblem) {
    this.spec = spec;
    this.fd = fd;
    this.id = id;
    this.lineInfoProblem = lineInfoProblem;
  }

  /**
   * Loads {@code spec} with its map fds patched in and its BTF line and function info. The first
   * attempt runs without a verifier log; only a refused program is loaded again with the log on, so
   * the exception can carry it.
   *
   * <p>Line info is a help, never a reason to fail: if the kernel refuses the BTF blob (no BTF
   * support, or a blob it does not like), or refuses the program only because of its line info, the
   * program is loaded without it, and {@link #lineInfoProblem()} says why.
   *
   * @throws VerifierException if the verifier rejects the program
   * @throws BpfException if the kernel refuses it without a log (capabilities, program type)
   */
  static LoadedProgram load(ProgramSpec spec, String license, List<BpfMap> maps) {
    ProgramImage image =
        new ProgramImage(
            ObjectNames.sanitize(spec.name()),
            spec.progType(),
            spec.expectedAttachType(),
            license,
            MapRelocator.patch(spec, maps));
    ProgramBtf debugInfo = debugInfo(spec, image.insns());
    int btfFd;
    try {
      btfFd = Bpf.btfLoad("for program " + spec.name(), debugInfo.btf());
    } catch (BpfException refused) {
      return load(spec, image, refused.getMessage());
    }
    try {
      return load(spec, image.withDebugInfo(btfFd, debugInfo), null);
    } finally {
      LibC.INSTANCE.close(btfFd); // the program holds its own reference to the BTF object
    }
  }

  private static LoadedProgram load(ProgramSpec spec, ProgramImage image, String btfProblem) {
    String lineInfoProblem = btfProblem;
    int progFd;
    try {
      progFd = Bpf.progLoad(image);
    } catch (BpfException refused) {
      LoggedLoad retry = Bpf.progLoadLogged(image, LOG_SIZE);
      if (!retry.succeeded() && image.hasDebugInfo() && refusedBeforeVerifying(retry)) {
        LoggedLoad bare = Bpf.progLoadLogged(image.withoutDebugInfo(), LOG_SIZE);
        if (bare.succeeded()) {
          lineInfoProblem =
              "the kernel refused the line info: " + new VerifierLog(retry.log()).errorLine();
          retry = bare;
        }
      }
      if (!retry.succeeded()) {
        throw retry.log().isBlank()
            ? refused
            : VerifierException.of(spec, retry.errno(), retry.log());
      }
      progFd = retry.fd();
    }
    if (lineInfoProblem != null) {
      LOG.log(
          System.Logger.Level.WARNING,
          "sockmap4j: program {0} loaded without BTF line info, so verifier messages and bpftool"
              + " will not show Java lines: {1}",
          spec.name(),
          lineInfoProblem);
    }
    OwnedFd owned = new OwnedFd(progFd, "program " + spec.name());
    try {
      return new LoadedProgram(spec, owned, Bpf.progInfo(progFd).id(), lineInfoProblem);
    } catch (RuntimeException e) {
      owned.close();
      throw e;
    }
  }

  /** The BTF blob, {@code func_info} (one function: the program) and {@code line_info}. */
  static ProgramBtf debugInfo(ProgramSpec spec, byte[] insns) {
    List<ProgramBtf.Line> lines = new ArrayList<>();
    for (LineEntry entry : spec.lines()) {
      lines.add(new ProgramBtf.Line(entry.slot(), entry.line(), entry.column(), entry.source()));
    }
    return ProgramBtf.of(
        ProgramBtf.contextStruct(spec.progType()),
        spec.sourceFile(),
        insns,
        List.of(new ProgramBtf.Function(spec.name(), 0)),
        lines);
  }

  /**
   * Whether the kernel refused the program before walking its instructions: a log naming no
   * instruction state, as when {@code func_info} or {@code line_info} is refused.
   */
  private static boolean refusedBeforeVerifying(LoggedLoad load) {
    return new VerifierLog(load.log()).failingInsn().isEmpty();
  }

  /** Whether the kernel took the program's BTF line info. */
  boolean hasLineInfo() {
    return lineInfoProblem == null;
  }

  /** Why the program was loaded without line info, or {@code null} if it has it. */
  String lineInfoProblem() {
    return lineInfoProblem;
  }

  String name() {
    return spec.name();
  }

  int id() {
    return id;
  }

  /**
   * A program reopened from a pin, not yet known to be attached: {@link #adoptLink} or {@link
   * #adoptLegacy} records how it is.
   */
  static LoadedProgram opened(ProgramSpec spec, OwnedFd fd, int id) {
    int progFd = fd.acquire();
    try {
      boolean lines = Bpf.progLineInfoCount(progFd) > 0;
      return new LoadedProgram(
          spec, fd, id, lines ? null : "the pinned program was loaded without line info");
    } finally {
      fd.release();
    }
  }

  /**
   * Attaches the program to {@code map} with the spec's attach type: through a bpf_link or {@code
   * BPF_PROG_ATTACH} as {@code mode} says, {@link AttachMode#AUTO} trying a link first where {@link
   * LinkSupport} does not already know the kernel lacks sockmap links.
   */
  Attachment attach(BpfMap map, AttachMode mode) {
    switch (mode) {
      case LEGACY:
        attachLegacy(map);
        break;
      case LINK:
        attachLink(map);
        break;
      default:
        attachAuto(map);
        break;
    }
    return attachment();
  }

  private void attachAuto(BpfMap map) {
    if (!LinkSupport.mayHaveLinks()) {
      attachLegacy(map);
      return;
    }
    try {
      attachLink(map);
      LinkSupport.learn(true);
    } catch (BpfException linkRefused) {
      if (!LinkSupport.isNoSuchLinkErrno(linkRefused.errno())) {
        throw linkRefused;
      }
      try {
        attachLegacy(map);
      } catch (BpfException legacyRefused) {
        // Both refused: the program does not fit the map, which says nothing about link support.
        legacyRefused.addSuppressed(linkRefused);
        throw legacyRefused;
      }
      LinkSupport.learn(false);
    }
  }

  private void attachLegacy(BpfMap map) {
    withFds(map, (mapFd, progFd) -> Bpf.progAttach(subject(map), mapFd, progFd, spec.attachType()));
    attachedTo = map;
  }

  private void attachLink(BpfMap map) {
    int[] created = new int[1];
    withFds(
        map,
        (mapFd, progFd) ->
            created[0] = BpfLinks.linkCreate(subject(map), progFd, mapFd, spec.attachType()));
    OwnedFd owned = new OwnedFd(created[0], "link of program " + spec.name());
    try {
      int createdId = BpfLinks.linkInfo(created[0]).id();
      adoptLink(map, owned, createdId);
    } catch (RuntimeException e) {
      owned.close();
      throw e;
    }
  }

  /** Attaches this (sock_ops) program to the cgroup v2 directory {@code directory}. */
  Attachment attachToCgroup(java.nio.file.Path directory, AttachMode mode) {
    cgroup = CgroupAttachment.attach(spec.name(), fd, spec.attachType(), directory, mode);
    return cgroup.describe(spec.name());
  }

  /** Records that the link {@code linkFd} (with kernel id {@code id}) attaches this program. */
  void adoptLink(BpfMap map, OwnedFd linkFd, int id) {
    attachedTo = map;
    link = linkFd;
    linkId = id;
  }

  /** Records that this program is attached to {@code map} with {@code BPF_PROG_ATTACH}. */
  void adoptLegacy(BpfMap map) {
    attachedTo = map;
  }

  /** How the program is attached, or {@code null} when it is not. */
  Attachment attachment() {
    if (cgroup != null) {
      return cgroup.describe(spec.name());
    }
    BpfMap map = attachedTo;
    if (map == null) {
      return null;
    }
    return new Attachment(
        spec.name(),
        map.name(),
        spec.attachType(),
        link == null ? AttachMode.LEGACY : AttachMode.LINK,
        linkId);
  }

  /** The link that attaches this program, or {@code null} for a legacy or no attachment. */
  OwnedFd link() {
    return link;
  }

  /**
   * Detaches the program from the map it was attached to, if any: {@code BPF_LINK_DETACH} for a
   * link (which detaches even while a pin or another process still holds the link), {@code
   * BPF_PROG_DETACH} otherwise.
   */
  void detach() {
    CgroupAttachment onCgroup = cgroup;
    if (onCgroup != null) {
      cgroup = null;
      onCgroup.detach(spec.name(), fd);
      return;
    }
    BpfMap map = attachedTo;
    if (map == null) {
      return;
    }
    attachedTo = null;
    OwnedFd linkFd = link;
    if (linkFd != null) {
      int fdValue = linkFd.acquire();
      try {
        BpfLinks.linkDetach(subject(map), fdValue);
      } finally {
        linkFd.release();
      }
      return;
    }
    withFds(map, (mapFd, progFd) -> Bpf.progDetach(subject(map), mapFd, progFd, spec.attachType()));
  }

  /** The kernel's run counters for this program. */
  ProgramStats stats() {
    int progFd = fd.acquire();
    try {
      BpfRunStats.RunCounters counters = BpfRunStats.counters(progFd);
      return new ProgramStats(
          spec.name(),
          counters.id(),
          counters.runCount(),
          counters.runTimeNanos(),
          counters.recursionMisses());
    } finally {
      fd.release();
    }
  }

  ProgramSpec spec() {
    return spec;
  }

  OwnedFd ownedFd() {
    return fd;
  }

  /** Runs the program once through {@code BPF_PROG_TEST_RUN}. */
  TestRun testRun(byte[] data, byte[] context) {
    int progFd = fd.acquire();
    try {
      return Bpf.progTestRun(spec.name(), progFd, data, context);
    } finally {
      fd.release();
    }
  }

  /** Closes this process's fds of the program and its link; detaches nothing by itself. */
  void close() {
    if (link != null) {
      link.close();
    }
    if (cgroup != null) {
      cgroup.close();
    }
    fd.close();
  }

  private String subject(BpfMap map) {
    return spec.name() + " to map " + map.name() + " (attach type " + spec.attachType() + ")";
  }

  private void withFds(BpfMap map, FdPairAction action) {
    int mapFd = map.ownedFd().acquire();
    try {
      int progFd = fd.acquire();
      try {
        action.run(mapFd, progFd);
      } finally {
        fd.release();
      }
    } finally {
      map.ownedFd().release();
    }
  }

  @FunctionalInterface
  private interface FdPairAction {
    void run(int mapFd, int progFd);
  }
}
