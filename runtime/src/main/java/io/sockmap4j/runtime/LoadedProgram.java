package io.sockmap4j.runtime;

import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.LoggedLoad;
import io.sockmap4j.runtime.internal.ObjectNames;
import io.sockmap4j.runtime.internal.OwnedFd;
import io.sockmap4j.runtime.internal.ProgramImage;
import java.util.List;

/** A program of a {@link BpfObject}: loaded into the kernel, and attached to its map. */
final class LoadedProgram {

  /** 16 MiB, enough for the log of any program the verifier's 1M-insn budget admits. */
  private static final int LOG_SIZE = 16 << 20;

  private final ProgramSpec spec;
  private final OwnedFd fd;
  private final int id;
  private BpfMap attachedTo;

  private LoadedProgram(ProgramSpec spec, OwnedFd fd, int id) {
    this.spec = spec;
    this.fd = fd;
    this.id = id;
  }

  /**
   * Loads {@code spec} with its map fds patched in. The first attempt runs without a verifier log;
   * only a refused program is loaded again with the log on, so the exception can carry it.
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
    int progFd;
    try {
      progFd = Bpf.progLoad(image);
    } catch (BpfException refused) {
      LoggedLoad retry = Bpf.progLoadLogged(image, LOG_SIZE);
      if (!retry.succeeded()) {
        throw retry.log().isBlank()
            ? refused
            : VerifierException.of(spec, retry.errno(), retry.log());
      }
      progFd = retry.fd();
    }
    OwnedFd owned = new OwnedFd(progFd, "program " + spec.name());
    try {
      return new LoadedProgram(spec, owned, Bpf.progInfo(progFd).id());
    } catch (RuntimeException e) {
      owned.close();
      throw e;
    }
  }

  String name() {
    return spec.name();
  }

  int id() {
    return id;
  }

  /** Attaches the program to {@code map} with the spec's attach type. */
  void attach(BpfMap map) {
    withFds(map, (mapFd, progFd) -> Bpf.progAttach(subject(map), mapFd, progFd, spec.attachType()));
    attachedTo = map;
  }

  /** Detaches the program from the map it was attached to, if any. */
  void detach() {
    BpfMap map = attachedTo;
    if (map == null) {
      return;
    }
    attachedTo = null;
    withFds(map, (mapFd, progFd) -> Bpf.progDetach(subject(map), mapFd, progFd, spec.attachType()));
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

  void close() {
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
