package io.sockmap4j.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The benchmark's own cgroup v2 directory, a child of the cgroup the JVM runs in (never a root
 * cgroup): {@code <cgroup2 mount><own cgroup>/sockmap4j-bench-<pid>}. A sock_ops program attached
 * to it runs for the TCP sockets created by tasks inside it, and for the sockets accepted from a
 * listener created inside it (a socket's cgroup is fixed when the socket is made, and an accepted
 * socket takes its listener's).
 *
 * <p>{@link #enter()} moves the whole JVM (every thread: cgroup v2 moves processes) in, and the
 * {@link Inside} it returns moves it back to the cgroup it came from, read from {@code
 * /proc/self/cgroup} when this was created. A move in and out takes about 0.5 ms here (Linux 6.18,
 * a JVM of about 40 threads, no controllers enabled), so it is done around a whole run, never per
 * connection. {@link #close()} moves the JVM back if it is still inside and removes the directory.
 */
final class BenchCgroup implements AutoCloseable {
  private static final String PREFIX = "sockmap4j-bench-";

  private final Path directory;
  private final Path home;
  private boolean inside;

  private BenchCgroup(Path directory, Path home) {
    this.directory = directory;
    this.home = home;
  }

  /** Moves the JVM back to where it was; see {@link #enter()}. */
  interface Inside extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /** The first cgroup2 mount point in {@code /proc/self/mountinfo}; empty when there is none. */
  static Optional<Path> mount() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] fields = line.split(" ");
      int dash = List.of(fields).indexOf("-");
      if (dash > 0 && dash + 1 < fields.length && fields[dash + 1].equals("cgroup2")) {
        return Optional.of(Path.of(fields[4]));
      }
    }
    return Optional.empty();
  }

  /**
   * Creates the directory under the JVM's own cgroup v2 directory on {@code mount}.
   *
   * @throws IOException saying which directory could not be made, and why
   */
  static BenchCgroup create(Path mount) throws IOException {
    Path home = mount.resolve(ownCgroup(mount).substring(1));
    removeLeftovers(home);
    Path directory = home.resolve(PREFIX + ProcessHandle.current().pid());
    try {
      Files.createDirectory(directory);
    } catch (IOException e) {
      throw new IOException(
          "cannot create the benchmark's cgroup "
              + directory
              + " ("
              + e
              + "): sockops-bypass needs root and a writable cgroup v2 hierarchy; leave it out of"
              + " --topologies otherwise",
          e);
    }
    return new BenchCgroup(directory, home);
  }

  /**
   * Removes the directories of benchmarks that were killed before their {@link #close()} (an empty
   * cgroup outlives its last process); a directory still in use cannot be removed and is kept.
   */
  private static void removeLeftovers(Path home) throws IOException {
    try (var children = Files.newDirectoryStream(home, PREFIX + "*")) {
      for (Path child : children) {
        String pid = child.getFileName().toString().substring(PREFIX.length());
        if (!pid.isEmpty()
            && pid.length() < 19
            && pid.chars().allMatch(Character::isDigit)
            && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
          try {
            Files.delete(child);
          } catch (IOException stillUsed) {
            // not ours to force: left as it is
          }
        }
      }
    }
  }

  Path path() {
    return directory;
  }

  /** Moves the JVM into this cgroup until the returned {@link Inside} is closed. */
  Inside enter() throws IOException {
    moveTo(directory);
    inside = true;
    return this::leave;
  }

  private void leave() throws IOException {
    if (inside) {
      moveTo(home);
      inside = false;
    }
  }

  /** Moves the JVM back if it is still inside, then removes the directory. */
  @Override
  public void close() throws IOException {
    try {
      leave();
    } finally {
      Files.deleteIfExists(directory);
    }
  }

  private static void moveTo(Path cgroup) throws IOException {
    try {
      Files.writeString(
          cgroup.resolve("cgroup.procs"),
          Long.toString(ProcessHandle.current().pid()),
          StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IOException("cannot move this JVM into the cgroup " + cgroup + " (" + e + ")", e);
    }
  }

  /**
   * This process's cgroup v2 path from the {@code 0::} line of /proc/self/cgroup, checked to exist
   * under {@code mount} (it does not when the JVM runs in a cgroup namespace mounted elsewhere).
   */
  private static String ownCgroup(Path mount) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      if (line.startsWith("0::")) {
        String own = line.substring(3);
        if (!own.startsWith("/") || !Files.isDirectory(mount.resolve(own.substring(1)))) {
          throw new IOException(
              "this JVM's cgroup v2 path "
                  + own
                  + " (/proc/self/cgroup) is not a directory under the cgroup2 mount "
                  + mount);
        }
        return own;
      }
    }
    throw new IOException(
        "this JVM is in no cgroup v2 (/proc/self/cgroup has no 0:: line), though cgroup2 is mounted"
            + " at "
            + mount);
  }
}
