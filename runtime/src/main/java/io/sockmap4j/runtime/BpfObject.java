package io.sockmap4j.runtime;

import io.sockmap4j.runtime.ObjectSpec.MapSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.BpfCgroups;
import io.sockmap4j.runtime.internal.BpfLinks;
import io.sockmap4j.runtime.internal.ObjectNames;
import io.sockmap4j.runtime.internal.OwnedFd;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The maps and programs of one {@link ObjectSpec}, live in the kernel.
 *
 * <p>{@link #load} is all-or-nothing. It creates every map, patches the map fds into the programs,
 * loads every program (a rejected program becomes a {@link VerifierException} with the verifier's
 * log), attaches each program to its map in spec order (through a bpf_link or the legacy attach,
 * see {@link AttachMode}), and pins everything if {@link AttachOptions#pinTo} asks; if any step
 * fails, everything created so far is removed before the exception propagates. Sockets go into the
 * maps afterwards, through {@link SockMapHandle} and {@link SockHashHandle}.
 *
 * <p>{@link #close()} detaches the programs and closes every fd, after which the kernel frees the
 * objects (their ids disappear after an RCU grace period). For a pinned object it releases only
 * this process's fds, and the setup stays in the kernel until {@link #remove()} (from this process,
 * or from any other after {@link #openPinned}). Closing is idempotent and thread-safe.
 *
 * <p>An object that becomes unreachable without being closed is released by a {@link Cleaner},
 * which logs a warning through {@link System.Logger} {@code io.sockmap4j.runtime.BpfObject} (with
 * the creating stack when {@code -Dsockmap4j.trackLeaks=true}). Do not rely on it: the programs run
 * on until the garbage collector happens to notice. Keep the object (or its Loader) reachable while
 * its maps are in use: a {@link BpfMap} alone does not keep it alive.
 */
public final class BpfObject implements AutoCloseable {

  private static final String NO_LISTING = "no listing was packaged";

  /** All sockmap4j objects share one Cleaner thread. */
  private static final Cleaner CLEANER = Cleaner.create();

  /** The attach types a sockmap slot can hold a program for. */
  private static final List<Integer> SOCKMAP_ATTACH_TYPES = List.of(4, 5, 7, 38);

  private final List<BpfMap> maps;
  private final List<LoadedProgram> programs;
  private final Class<?> anchor;
  private final String resourceName;
  private final Pins pins;
  private final ObjectResources resources;
  private final Cleaner.Cleanable cleanable;
  private boolean closed;

  private BpfObject(
      List<BpfMap> maps,
      List<LoadedProgram> programs,
      Class<?> anchor,
      String resourceName,
      Pins pins) {
    this.maps = List.copyOf(maps);
    this.programs = List.copyOf(programs);
    this.anchor = anchor;
    this.resourceName = resourceName;
    this.pins = pins;
    this.resources =
        new ObjectResources(
            this.programs,
            this.maps,
            pins,
            describe(anchor, resourceName) + " (programs " + programNames() + ")");
    this.cleanable = CLEANER.register(this, resources);
  }

  /**
   * Reads the object resource {@code resourceName} (resolved like {@link
   * Class#getResourceAsStream}) and loads it with {@link AttachOptions#defaults()}.
   *
   * @throws UncheckedIOException if the resource is missing or not a readable sockmap4j object
   * @throws VerifierException if the verifier rejects a program
   * @throws BpfException if the kernel refuses a map, a program or an attachment
   */
  public static BpfObject load(Class<?> anchor, String resourceName) {
    return load(anchor, resourceName, AttachOptions.defaults());
  }

  /**
   * Reads the object resource {@code resourceName} and loads it as {@code options} say.
   *
   * @throws UncheckedIOException if the resource is missing or not a readable sockmap4j object
   * @throws VerifierException if the verifier rejects a program
   * @throws BpfException if the kernel refuses a map, a program, an attachment or a pin
   * @throws PinException if the pin directory is not in a bpffs mount, or a pin already exists
   *     (then nothing is created and nothing overwritten)
   */
  public static BpfObject load(Class<?> anchor, String resourceName, AttachOptions options) {
    return load(readSpec(anchor, resourceName), anchor, resourceName, options);
  }

  /**
   * Loads {@code spec} with {@link AttachOptions#defaults()}.
   *
   * @throws VerifierException if the verifier rejects a program
   * @throws BpfException if the kernel refuses a map, a program or an attachment
   */
  public static BpfObject load(ObjectSpec spec) {
    return load(spec, AttachOptions.defaults());
  }

  /**
   * Loads {@code spec} as {@code options} say.
   *
   * @throws VerifierException if the verifier rejects a program
   * @throws BpfException if the kernel refuses a map, a program, an attachment or a pin
   * @throws PinException if the pin directory is not in a bpffs mount, or a pin already exists
   */
  public static BpfObject load(ObjectSpec spec, AttachOptions options) {
    return load(spec, null, null, options);
  }

  /**
   * Reopens the setup that {@link AttachOptions#pinTo} pinned under {@code directory}, typically in
   * another process, from the declarations in the resource {@code resourceName}. Every map's shape
   * (type, key size, value size, max entries, flags) and every program's type is checked against
   * the declarations. The returned object's maps work as usual; {@link #close()} releases only this
   * process's fds, and {@link #remove()} tears the setup down.
   *
   * @throws PinException if a pin is missing or holds a map of another shape or a program of
   *     another type
   * @throws UncheckedIOException if the resource is missing or not a readable sockmap4j object
   */
  public static BpfObject openPinned(Class<?> anchor, String resourceName, Path directory) {
    return openPinned(readSpec(anchor, resourceName), anchor, resourceName, directory);
  }

  /**
   * Reopens the setup pinned under {@code directory} from {@code spec}'s declarations; see {@link
   * #openPinned(Class, String, Path)}.
   */
  public static BpfObject openPinned(ObjectSpec spec, Path directory) {
    return openPinned(spec, null, null, directory);
  }

  private static ObjectSpec readSpec(Class<?> anchor, String resourceName) {
    try (InputStream in = anchor.getResourceAsStream(resourceName)) {
      if (in == null) {
        throw new FileNotFoundException(
            "sockmap4j object resource "
                + resourcePath(anchor, resourceName)
                + " not found next to "
                + anchor.getName()
                + ": is the sockmap4j processor on the annotation processor path?");
      }
      return ObjectSpec.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + resourcePath(anchor, resourceName) + ": " + e.getMessage(), e);
    }
  }

  private static BpfObject load(
      ObjectSpec spec, Class<?> anchor, String resourceName, AttachOptions options) {
    checkCgroupOptions(spec, options);
    Pins pins = options.pinDirectory().map(dir -> new Pins(spec, dir)).orElse(null);
    boolean createdDirectory = false;
    if (pins != null) {
      pins.checkOnBpffs();
      pins.checkNoneExist(reopenHint(anchor));
      createdDirectory = pins.createDirectory();
    }
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
          programs.get(i).attach(maps.get(program.attachMapIndex()), options.mode());
        } else if (isCgroupProgram(program)) {
          programs.get(i).attachToCgroup(options.cgroup().orElseThrow(), options.mode());
        }
      }
      if (pins != null) {
        pins.pinAll(maps, programs);
      }
    } catch (RuntimeException | Error e) {
      RuntimeException cleanup = ObjectResources.teardown(programs, maps);
      if (cleanup != null) {
        e.addSuppressed(cleanup);
      }
      if (createdDirectory) {
        try {
          pins.removeDirectoryIfEmpty();
        } catch (RuntimeException directoryLeft) {
          e.addSuppressed(directoryLeft);
        }
      }
      throw e;
    }
    return new BpfObject(maps, programs, anchor, resourceName, pins);
  }

  /** A sock_ops program, which attaches to the cgroup of {@link AttachOptions#cgroup}. */
  private static boolean isCgroupProgram(ProgramSpec program) {
    return !program.isAttached() && program.attachType() == BpfCgroups.ATTACH_SOCK_OPS;
  }

  /**
   * Fails before anything is created when sock_ops programs have no cgroup to go to, when the
   * cgroup is not a cgroup v2 directory, or when they are to be pinned (not supported yet).
   */
  private static void checkCgroupOptions(ObjectSpec spec, AttachOptions options) {
    List<String> cgroupPrograms =
        spec.programs().stream().filter(BpfObject::isCgroupProgram).map(ProgramSpec::name).toList();
    if (cgroupPrograms.isEmpty()) {
      return;
    }
    if (options.cgroup().isEmpty()) {
      throw new IllegalArgumentException(
          "the @SockOps programs "
              + cgroupPrograms
              + " attach to a cgroup, and none was given: attach with"
              + " AttachOptions.defaults().cgroup(Path.of(\"/sys/fs/cgroup/<name>\")), a cgroup v2"
              + " directory holding the processes whose TCP connections they should see");
    }
    if (options.pinDirectory().isPresent()) {
      throw new IllegalArgumentException(
          "pinning an object with @SockOps programs "
              + cgroupPrograms
              + " is not supported yet: attach it without pinTo, and keep the object open while"
              + " the programs should run");
    }
    CgroupAttachment.check(options.cgroup().get());
  }

  private static BpfObject openPinned(
      ObjectSpec spec, Class<?> anchor, String resourceName, Path directory) {
    Pins pins = new Pins(spec, directory);
    if (!Files.isDirectory(pins.directory())) {
      throw new PinException(
          pins.directory(),
          "nothing is pinned under "
              + pins.directory()
              + ": the directory does not exist. Attach with AttachOptions.defaults().pinTo(dir)"
              + " first");
    }
    pins.checkOnBpffs();
    List<BpfMap> maps = new ArrayList<>();
    List<LoadedProgram> programs = new ArrayList<>();
    try {
      for (MapSpec map : spec.maps()) {
        maps.add(PinnedParts.openMap(pins, map));
      }
      for (ProgramSpec program : spec.programs()) {
        programs.add(PinnedParts.openProgram(pins, program));
      }
      for (int i = 0; i < programs.size(); i++) {
        ProgramSpec program = spec.programs().get(i);
        if (program.isAttached()) {
          PinnedParts.adoptAttachment(pins, programs.get(i), maps.get(program.attachMapIndex()));
        }
      }
    } catch (RuntimeException | Error e) {
      ObjectResources.closeFds(programs, maps);
      throw e;
    }
    return new BpfObject(maps, programs, anchor, resourceName, pins);
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

  /** How each attached program is attached, in spec order. */
  public List<Attachment> attachments() {
    List<Attachment> attachments = new ArrayList<>();
    for (LoadedProgram program : programs) {
      Attachment attachment = program.attachment();
      if (attachment != null) {
        attachments.add(attachment);
      }
    }
    return attachments;
  }

  /** The directory this object is pinned under, if it is pinned. */
  public Optional<Path> pinDirectory() {
    return Optional.ofNullable(pins).map(Pins::directory);
  }

  /**
   * What the kernel reports as attached to the map {@code mapName}, by whoever attached it: one
   * entry per occupied slot, with the link that holds it if any ({@code BPF_PROG_QUERY}, Linux
   * 5.19+ for sockmaps; link ids from the sockmap links' info, 6.10+).
   *
   * @throws IllegalArgumentException if there is no such map
   * @throws IllegalStateException if this object is closed
   */
  public List<AttachedProgram> attachedPrograms(String mapName) {
    BpfMap map = map(mapName);
    List<AttachedProgram> attached = new ArrayList<>();
    int mapFd = map.ownedFd().acquire();
    try {
      for (int attachType : SOCKMAP_ATTACH_TYPES) {
        OptionalInt programId = BpfLinks.progQuery(map.name(), mapFd, attachType);
        if (programId.isPresent()) {
          int linkId = BpfLinks.findSockmapLink(map.id(), attachType).orElse(0);
          attached.add(new AttachedProgram(attachType, programId.getAsInt(), linkId));
        }
      }
    } finally {
      map.ownedFd().release();
    }
    return attached;
  }

  /**
   * The run statistics of the program named {@code name}. They advance only while statistics are
   * enabled ({@link BpfStats#enable()}).
   *
   * @throws IllegalArgumentException if there is no such program
   * @throws IllegalStateException if this object is closed
   */
  public ProgramStats programStats(String name) {
    return program(name).stats();
  }

  /** The run statistics of every program, in spec order; see {@link #programStats(String)}. */
  public List<ProgramStats> programStats() {
    return programs.stream().map(LoadedProgram::stats).toList();
  }

  /** Whether {@link #close()} or {@link #remove()} has been called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Releases the object. Unpinned: detaches every program from its map, empties the socket maps
   * (sockets still in them would keep the programs alive), then closes the program, link and map
   * fds. Pinned: closes only this process's fds, and the setup keeps running in the kernel (use
   * {@link #remove()} to tear it down). Calling it again, from any thread, does nothing.
   *
   * @throws BpfException if a detach failed; every fd is closed regardless
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = resources.close();
    cleanable.clean();
    Reference.reachabilityFence(this);
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Tears the setup down, pinned or not: detaches every program ({@code BPF_LINK_DETACH} for a
   * link, even one another process still holds; {@code BPF_PROG_DETACH} otherwise), empties the
   * socket maps, closes every fd, removes the pins, and removes the pin directory when that leaves
   * it empty (never the bpffs mount root). For an unpinned object it is {@link #close()}. Works on
   * an object reopened with {@link #openPinned} in another process than the one that pinned it.
   *
   * @throws BpfException if a detach failed; everything else is still released
   * @throws UncheckedIOException if a pin could not be removed
   * @throws IllegalStateException if the object was already closed (reopen it to remove it)
   */
  public synchronized void remove() {
    if (closed) {
      throw new IllegalStateException(
          "this object is closed; reopen the pinned setup with openPinned(dir) to remove it");
    }
    closed = true;
    RuntimeException failure = resources.remove();
    cleanable.clean();
    Reference.reachabilityFence(this);
    if (failure != null) {
      throw failure;
    }
  }

  private LoadedProgram program(String name) {
    for (LoadedProgram program : programs) {
      if (program.name().equals(name)) {
        return program;
      }
    }
    throw new IllegalArgumentException(
        "no program named " + name + "; the programs are " + programNames());
  }

  private static String reopenHint(Class<?> anchor) {
    return anchor == null
        ? "BpfObject.openPinned(spec, dir)"
        : anchor.getSimpleName() + ".openPinned(dir)";
  }

  private static String describe(Class<?> anchor, String resourceName) {
    return anchor == null
        ? "a BpfObject loaded from an ObjectSpec"
        : "the BpfObject of " + resourcePath(anchor, resourceName);
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
