package io.sockmap4j.runtime;

import io.sockmap4j.runtime.ObjectSpec.MapSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.internal.BpfPins;
import io.sockmap4j.runtime.internal.BpfPins.MapShape;
import io.sockmap4j.runtime.internal.Bpffs;
import io.sockmap4j.runtime.internal.Errno;
import io.sockmap4j.runtime.internal.LibC;
import io.sockmap4j.runtime.internal.OwnedFd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the pins of one object live in a bpffs directory, and how they are checked, created,
 * reopened and removed.
 *
 * <pre>
 * directory/                    mode 0700 (created if absent)
 *   &lt;map&gt;                     every map                          mode 0600
 *   prog_&lt;program&gt;            every program (needed to detach a legacy attachment
 *                               and to read run statistics after a reopen)
 *   link_&lt;program&gt;            every bpf_link (attached programs in LINK mode)
 * </pre>
 */
final class Pins {

  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private final ObjectSpec spec;
  private final Path directory;

  /**
   * @throws IllegalArgumentException if two pins of the object would have the same name
   */
  Pins(ObjectSpec spec, Path directory) {
    this.spec = spec;
    this.directory = directory.toAbsolutePath().normalize();
    Set<Path> seen = new HashSet<>();
    for (Path path : allPaths()) {
      if (!seen.add(path)) {
        throw new IllegalArgumentException(
            "two objects would be pinned at "
                + path
                + ": rename the map or program so that map names and prog_/link_ program names"
                + " differ");
      }
    }
  }

  Path directory() {
    return directory;
  }

  Path mapPin(String map) {
    return directory.resolve(map);
  }

  Path programPin(String program) {
    return directory.resolve("prog_" + program);
  }

  Path linkPin(String program) {
    return directory.resolve("link_" + program);
  }

  /** Every path the object may pin: maps, programs, and a link per attached program. */
  List<Path> allPaths() {
    List<Path> paths = new ArrayList<>();
    spec.maps().forEach(map -> paths.add(mapPin(map.name())));
    for (ProgramSpec program : spec.programs()) {
      paths.add(programPin(program.name()));
      if (program.isAttached()) {
        paths.add(linkPin(program.name()));
      }
    }
    return paths;
  }

  /**
   * Checks that the directory is, or would be created, in a bpffs mount.
   *
   * @throws PinException if it is not
   */
  void checkOnBpffs() {
    Path existing = directory;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Bpffs.contains(existing)) {
      throw new PinException(
          directory,
          "cannot pin under "
              + directory
              + ": "
              + (existing == null
                  ? "no part of the path exists"
                  : existing + " is not in a bpffs mount")
              + ". Pins can only live in a BPF file system: pin under /sys/fs/bpf (mount it with"
              + " mount -t bpf bpf /sys/fs/bpf if it is not mounted)");
    }
  }

  /**
   * Fails if any pin the object would create already exists, naming each and telling an earlier pin
   * of this very object (reopen it) from something else (remove it).
   *
   * @param reopenHint how the user reopens this object, for example {@code
   *     EchoLoader.openPinned(dir)}
   * @throws PinException listing the existing pins
   */
  void checkNoneExist(String reopenHint) {
    List<String> problems = new ArrayList<>();
    Path first = null;
    for (MapSpec map : spec.maps()) {
      Path path = mapPin(map.name());
      if (exists(path)) {
        first = first == null ? path : first;
        problems.add(describeExistingMap(path, map, reopenHint));
      }
    }
    for (ProgramSpec program : spec.programs()) {
      for (Path path : List.of(programPin(program.name()), linkPin(program.name()))) {
        if (exists(path)) {
          first = first == null ? path : first;
          problems.add(path + " already exists");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new PinException(
          first,
          "cannot pin under "
              + directory
              + ", nothing was created and nothing overwritten: "
              + String.join("; ", problems)
              + ". If this is an earlier pin of the same object, reopen it with "
              + reopenHint
              + " (and remove() it to tear it down); otherwise delete those pins or pin to"
              + " another directory");
    }
  }

  private static String describeExistingMap(Path path, MapSpec declared, String reopenHint) {
    int fd;
    try {
      fd = BpfPins.get(path.toString());
    } catch (BpfException e) {
      return path
          + " already exists (and cannot be opened as a BPF object: "
          + e.getMessage()
          + ")";
    }
    try {
      MapShape pinned = BpfPins.mapShape(fd);
      if (sameShape(pinned, declared)) {
        return path
            + " already exists with the same shape ("
            + shape(declared)
            + "): reopen it with "
            + reopenHint
            + ", or remove it";
      }
      return path
          + " already exists with a different shape: pinned "
          + shape(pinned)
          + " vs declared "
          + shape(declared);
    } finally {
      LibC.INSTANCE.close(fd);
    }
  }

  /**
   * Creates the directory with mode 0700 if it is absent.
   *
   * @return whether it was created
   */
  boolean createDirectory() {
    if (Files.isDirectory(directory)) {
      return false;
    }
    try {
      Files.createDirectories(directory);
      Files.setPosixFilePermissions(directory, OWNER_ONLY);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the pin directory " + directory, e);
    }
  }

  /**
   * Pins every map, program and link, each with mode 0600. On failure removes the pins it made.
   *
   * @throws BpfException if the kernel refuses a pin (the advice names EEXIST and non-bpffs paths)
   */
  void pinAll(List<BpfMap> maps, List<LoadedProgram> programs) {
    List<Path> made = new ArrayList<>();
    try {
      for (BpfMap map : maps) {
        pin(mapPin(map.name()), map.ownedFd(), made);
      }
      for (LoadedProgram program : programs) {
        pin(programPin(program.name()), program.ownedFd(), made);
        if (program.link() != null) {
          pin(linkPin(program.name()), program.link(), made);
        }
      }
    } catch (RuntimeException e) {
      for (Path path : made) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException | RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }

  private static void pin(Path path, OwnedFd fd, List<Path> made) {
    int value = fd.acquire();
    try {
      BpfPins.pin(path.toString(), value);
    } finally {
      fd.release();
    }
    made.add(path);
    try {
      Files.setPosixFilePermissions(path, OWNER_READ_WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + path + " readable by its owner only", e);
    }
  }

  /**
   * Opens the pin at {@code path}; {@code what} names it ("map socks") for the error.
   *
   * @throws PinException if nothing is pinned there
   */
  OwnedFd open(Path path, String what) {
    try {
      return new OwnedFd(BpfPins.get(path.toString()), "pinned " + what);
    } catch (BpfException e) {
      if (e.errno() == Errno.ENOENT) {
        throw new PinException(
            path,
            "no pinned "
                + what
                + " at "
                + path
                + ": was the object attached with pinTo("
                + directory
                + "), and is it still pinned? (ls "
                + directory
                + ")",
            e);
      }
      throw e;
    }
  }

  /** Whether the link pin of {@code program} exists. */
  boolean hasLink(String program) {
    return exists(linkPin(program));
  }

  /**
   * Checks a reopened map against its declaration.
   *
   * @throws PinException if the shapes differ
   */
  void checkShape(MapSpec declared, MapShape pinned) {
    if (!sameShape(pinned, declared)) {
      Path path = mapPin(declared.name());
      throw new PinException(
          path,
          path
              + " holds a map of a different shape: pinned "
              + shape(pinned)
              + " vs declared "
              + shape(declared)
              + ". It was pinned by another program or another version of this one: remove it"
              + " (rm "
              + path
              + ") or open the pins with the declarations that made them");
    }
  }

  /** Deletes every pin of the object that exists; returns the first failure, or null. */
  RuntimeException unpinAll() {
    RuntimeException failure = null;
    for (Path path : allPaths()) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        UncheckedIOException wrapped = new UncheckedIOException("cannot remove the pin " + path, e);
        if (failure == null) {
          failure = wrapped;
        } else {
          failure.addSuppressed(wrapped);
        }
      }
    }
    return failure;
  }

  /**
   * Removes the directory when it is empty and not the root of its bpffs mount (so {@code
   * /sys/fs/bpf} itself is never removed).
   */
  void removeDirectoryIfEmpty() {
    Path parent = directory.getParent();
    if (parent == null || !Files.isDirectory(parent) || !Bpffs.contains(parent)) {
      return;
    }
    try {
      Files.deleteIfExists(directory);
    } catch (DirectoryNotEmptyException | NoSuchFileException e) {
      // Other files live there: the directory is not ours alone.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the pin directory " + directory, e);
    }
  }

  private static boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean sameShape(MapShape pinned, MapSpec declared) {
    return pinned.type() == declared.type()
        && pinned.keySize() == declared.keySize()
        && pinned.valueSize() == declared.valueSize()
        && pinned.maxEntries() == declared.maxEntries()
        && pinned.flags() == declared.flags();
  }

  private static String shape(MapShape map) {
    return shape(map.type(), map.keySize(), map.valueSize(), map.maxEntries(), map.flags());
  }

  private static String shape(MapSpec map) {
    return shape(map.type(), map.keySize(), map.valueSize(), map.maxEntries(), map.flags());
  }

  private static String shape(int type, int keySize, int valueSize, int maxEntries, int flags) {
    return "type "
        + type
        + ", key "
        + keySize
        + ", value "
        + valueSize
        + ", max_entries "
        + maxEntries
        + ", flags "
        + flags;
  }
}
