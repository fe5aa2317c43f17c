package io.sockmap4j.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child cgroup v2 directory for one test, never the root: {@code <cgroup2 mount>/sockmap4j-test-
 * <pid>-<n>}. {@link #runInside} moves this JVM into it for the duration of a block, so that the
 * sockets created in the block belong to it (a socket keeps the cgroup of the task that created
 * it), and moves the JVM back to the cgroup it came from afterwards, even on failure. {@link
 * #close()} removes the directory.
 */
public final class TestCgroup implements AutoCloseable {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final Path directory;
  private final Path home;

  private TestCgroup(Path directory, Path home) {
    this.directory = directory;
    this.home = home;
  }

  /**
   * Creates the child cgroup under this process's cgroup v2 mount.
   *
   * @throws IllegalStateException if there is no cgroup v2 mount
   */
  public static TestCgroup create() {
    Path mount =
        cgroup2Mount()
            .orElseThrow(() -> new IllegalStateException("no cgroup2 file system is mounted"));
    Path home = mount.resolve(ownCgroup().substring(1));
    Path directory =
        mount.resolve(
            "sockmap4j-test-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
    try {
      Files.createDirectory(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the test cgroup " + directory, e);
    }
    return new TestCgroup(directory, home);
  }

  /** The cgroup's directory. */
  public Path path() {
    return directory;
  }

  /** Runs {@code block} with this JVM in the cgroup, then moves it back where it was. */
  public <T> T runInside(Callable<T> block) throws Exception {
    moveTo(directory);
    try {
      return block.call();
    } finally {
      moveTo(home);
    }
  }

  /** The pids in the cgroup now. */
  public List<String> processes() {
    try {
      return Files.readAllLines(directory.resolve("cgroup.procs")).stream()
          .filter(s -> !s.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Removes the cgroup directory (it must be empty of processes, which {@link #runInside} ensures).
   */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the test cgroup " + directory, e);
    }
  }

  private static void moveTo(Path cgroup) throws IOException {
    Files.writeString(
        cgroup.resolve("cgroup.procs"),
        Long.toString(ProcessHandle.current().pid()),
        StandardCharsets.US_ASCII);
  }

  /** This process's cgroup v2 path, from the {@code 0::} line of /proc/self/cgroup. */
  private static String ownCgroup() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
        if (line.startsWith("0::")) {
          return line.substring(3);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("this process is in no cgroup v2 (no 0:: line)");
  }

  /** The first cgroup2 mount point in /proc/self/mountinfo. */
  public static Optional<Path> cgroup2Mount() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] fields = line.split(" ");
        int dash = List.of(fields).indexOf("-");
        if (dash > 0 && dash + 1 < fields.length && fields[dash + 1].equals("cgroup2")) {
          return Optional.of(Path.of(fields[4]));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.empty();
  }
}
