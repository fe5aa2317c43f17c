package io.sockmap4j.runtime;

import io.sockmap4j.runtime.ObjectSpec.MapSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.ObjectNames;
import io.sockmap4j.runtime.internal.OwnedFd;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The maps and programs of one {@link ObjectSpec}, live in the kernel.
 *
 * <p>{@link #load} is all-or-nothing. It creates every map, patches the map fds into the programs,
 * loads every program (a rejected program becomes a {@link VerifierException} with the verifier's
 * log), and attaches each program to its map in spec order; if any step fails, everything created
 * so far is closed before the exception propagates. Sockets go into the maps afterwards, through
 * {@link SockMapHandle} and {@link SockHashHandle}.
 *
 * <p>{@link #close()} detaches the programs and closes every fd, after which the kernel frees the
 * objects (their ids disappear after an RCU grace period). Closing is idempotent and thread-safe.
 */
public final class BpfObject implements AutoCloseable {

  private static final String NO_LISTING = "no listing was packaged";

  private final List<BpfMap> maps;
  private final List<LoadedProgram> programs;
  private final Class<?> anchor;
  private final String resourceName;
  private boolean closed;

  private BpfObject(
      List<BpfMap> maps, List<LoadedProgram> programs, Class<?> anchor, String resourceName) {
    this.maps = List.copyOf(maps);
    this.programs = List.copyOf(programs);
    this.anchor = anchor;
    this.resourceName = resourceName;
  }

  /**
   * Reads the object resource {@code resourceName} (resolved like {@link
   * Class#getResourceAsStream}) and loads it.
   *
   * @throws UncheckedIOException if the resource is missing or not a readable sockmap4j object
   * @throws VerifierException if the verifier rejects a program
   * @throws BpfException if the kernel refuses a map, a program or an attachment
   */
  public static BpfObject load(Class<?> anchor, String resourceName) {
    ObjectSpec spec;
    try (InputStream in = anchor.getResourceAsStream(resourceName)) {
      if (in == null) {
        throw new FileNotFoundException(
            "sockmap4j object resource "
                + resourcePath(anchor, resourceName)
                + " not found next to "
                + anchor.getName()
                + ": is the sockmap4j processor on the annotation processor path?");
      }
      spec = ObjectSpec.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + resourcePath(anchor, resourceName) + ": " + e.getMessage(), e);
    }
    return load(spec, anchor, resourceName);
  }

  /**
   * Loads {@code spec}.
   *
   * @throws VerifierException if the verifier rejects a program
   * @throws BpfException if the kernel refuses a map, a program or an attachment
   */
  public static BpfObject load(ObjectSpec spec) {
    return load(spec, null, null);
  }

  private static BpfObject load(ObjectSpec spec, Class<?> anchor, String resourceName) {
    List<BpfMap> maps = new ArrayList<>();
    List<LoadedProgram> programs = new ArrayList<>();
    try {
      for (MapSpec map : spec.maps()) {
        maps.add(createMap(map));
      }
      for (ProgramSpec program : spec.programs()) {
        programs.add(LoadedProgram.load(program, spec.license(), maps));
      }
      for (int i = 0; i < programs.size(); i++) {
        ProgramSpec program = spec.programs().get(i);
        if (program.isAttached()) {
          programs.get(i).attach(maps.get(program.attachMapIndex()));
        }
      }
    } catch (RuntimeException | Error e) {
      RuntimeException cleanup = release(programs, maps);
      if (cleanup != null) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    return new BpfObject(maps, programs, anchor, resourceName);
  }

  private static BpfMap createMap(MapSpec spec) {
    int fd =
        Bpf.mapCreate(
            ObjectNames.sanitize(spec.name()),
            spec.type(),
            spec.keySize(),
            spec.valueSize(),
            spec.maxEntries(),
            spec.flags());
    OwnedFd owned = new OwnedFd(fd, "map " + spec.name());
    try {
      return new BpfMap(spec, owned, Bpf.mapInfo(fd).id());
    } catch (RuntimeException e) {
      owned.close();
      throw e;
    }
  }

  /**
   * The map named {@code name} in Java.
   *
   * @throws IllegalArgumentException listing the known names if there is no such map
   */
  public BpfMap map(String name) {
    for (BpfMap map : maps) {
      if (map.name().equals(name)) {
        return map;
      }
    }
    throw new IllegalArgumentException(
        "no map named " + name + "; the maps are " + maps.stream().map(BpfMap::name).toList());
  }

  /** The maps, in spec order. */
  public List<BpfMap> maps() {
    return maps;
  }

  /** The program names, in spec order. */
  public List<String> programNames() {
    return programs.stream().map(LoadedProgram::name).toList();
  }

  /**
   * The kernel id of the program named {@code name}, as {@code bpftool prog show} lists it.
   *
   * @throws IllegalArgumentException listing the known names if there is no such program
   */
  public int programId(String name) {
    for (LoadedProgram program : programs) {
      if (program.name().equals(name)) {
        return program.id();
      }
    }
    throw new IllegalArgumentException(
        "no program named " + name + "; the programs are " + programNames());
  }

  /**
   * Whether the program named {@code name} was loaded with its BTF line info (kernel 5.0+), so that
   * verifier messages and {@code bpftool prog dump xlated id N linum} show its Java lines. When the
   * kernel refuses the line info (no BTF support), the program is loaded without it and a warning
   * is logged to the {@code io.sockmap4j.runtime} {@link System.Logger}.
   *
   * @throws IllegalArgumentException listing the known names if there is no such program
   */
  public boolean hasLineInfo(String name) {
    for (LoadedProgram program : programs) {
      if (program.name().equals(name)) {
        return program.hasLineInfo();
      }
    }
    throw new IllegalArgumentException(
        "no program named " + name + "; the programs are " + programNames());
  }

  /**
   * Runs the program named {@code name} once on {@code data} through {@code BPF_PROG_TEST_RUN}, and
   * returns its return value with the packet and context it left behind.
   *
   * <p>The kernel cannot test-run SK_SKB or SK_MSG programs: it has no test run for either type. To
   * check what compiled code computes, load the same instructions as a SCHED_CLS (or SOCKET_FILTER)
   * program, which reads the same {@code struct __sk_buff} fields: rewrite the {@link ObjectSpec}'s
   * programs with program type 3, expected attach type 0 and {@link
   * ObjectSpec.ProgramSpec#NOT_ATTACHED}, load it, and test-run it. For SCHED_CLS, {@code data} is
   * a whole frame, at least 14 bytes (an Ethernet header), and the program sees {@code skb->len} as
   * its length; {@code context} is a {@code struct __sk_buff} in host byte order of which only
   * {@code mark}, {@code priority}, {@code ingress_ifindex}, {@code ifindex}, {@code cb[0..4]},
   * {@code tstamp}, {@code wire_len}, {@code gso_segs} and {@code gso_size} may be non-zero, and it
   * may be shorter than the kernel's struct (the rest reads as zero).
   *
   * @param context the context, or {@code null} (or empty) for the kernel's default
   * @throws IllegalArgumentException if there is no such program
   * @throws IllegalStateException if this object is closed
   * @throws BpfException if the kernel refuses the run: ENOTSUPP for a program type without a test
   *     run, EINVAL for input the program type does not accept
   */
  public TestRun testRun(String name, byte[] data, byte[] context) {
    for (LoadedProgram program : programs) {
      if (program.name().equals(name)) {
        return program.testRun(data, context);
      }
    }
    throw new IllegalArgumentException(
        "no program named " + name + "; the programs are " + programNames());
  }

  /** The kernel ids of the programs, in spec order. */
  public List<Integer> programIds() {
    return programs.stream().map(LoadedProgram::id).toList();
  }

  /** The kernel ids of the maps, in spec order. */
  public List<Integer> mapIds() {
    return maps.stream().map(BpfMap::id).toList();
  }

  /**
   * The readable listing of the programs that the processor packages beside the object (resource
   * {@code resourceName + ".txt"}), or a note saying that none was packaged.
   */
  public String listing() {
    if (anchor == null) {
      return NO_LISTING + ": this object was loaded from an ObjectSpec, not a resource";
    }
    String listingName = resourceName + ".txt";
    try (InputStream in = anchor.getResourceAsStream(listingName)) {
      if (in == null) {
        return NO_LISTING + " (no resource " + resourcePath(anchor, listingName) + ")";
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resourcePath(anchor, listingName), e);
    }
  }

  /** Whether {@link #close()} has been called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Detaches every program from its map, then closes the program fds, then the map fds. Sockets
   * still in the maps leave them as the maps are freed. Calling it again does nothing.
   *
   * @throws BpfException if a detach failed; every fd is closed regardless
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = release(programs, maps);
    if (failure != null) {
      throw failure;
    }
  }

  /** Detaches, then closes, everything; returns the first failure with the rest suppressed. */
  private static RuntimeException release(List<LoadedProgram> programs, List<BpfMap> maps) {
    RuntimeException failure = null;
    for (LoadedProgram program : programs) {
      try {
        program.detach();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    // A socket that is still open keeps the programs it joined with (its psock holds them), and
    // a program keeps the maps it uses: a socket left in a map would keep this object's programs
    // and maps alive after close(). Emptying the socket maps first breaks that cycle.
    for (BpfMap map : maps) {
      if (map.type() == SocketSlots.SOCKMAP || map.type() == SocketSlots.SOCKHASH) {
        try {
          map.clear();
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    }
    programs.forEach(LoadedProgram::close);
    maps.forEach(BpfMap::close);
    return failure;
  }

  private static String resourcePath(Class<?> anchor, String name) {
    if (name.startsWith("/")) {
      return name.substring(1);
    }
    String pkg = anchor.getPackageName();
    return pkg.isEmpty() ? name : pkg.replace('.', '/') + "/" + name;
  }

  @Override
  public String toString() {
    return "BpfObject[maps=" + mapIds() + ", programs=" + programIds() + "]";
  }
}
