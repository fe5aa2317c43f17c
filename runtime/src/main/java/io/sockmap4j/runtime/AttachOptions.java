package io.sockmap4j.runtime;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link BpfObject#load(Class, String, AttachOptions)} attaches and whether it pins: an
 * immutable value whose {@code mode}/{@code pinTo} methods return changed copies.
 *
 * <pre>{@code
 * AttachOptions.defaults()                                  // AUTO, nothing pinned
 * AttachOptions.defaults().mode(AttachMode.LEGACY)
 * AttachOptions.defaults().pinTo(Path.of("/sys/fs/bpf/echo"))
 * }</pre>
 */
public final class AttachOptions {

  private static final AttachOptions DEFAULTS = new AttachOptions(AttachMode.AUTO, null);

  private final AttachMode mode;
  private final Path pinDirectory;

  private AttachOptions(AttachMode mode, Path pinDirectory) {
    this.mode = mode;
    this.pinDirectory = pinDirectory;
  }

  /** {@link AttachMode#AUTO}, and no pinning: the setup lives as long as the object. */
  public static AttachOptions defaults() {
    return DEFAULTS;
  }

  /** These options with {@code mode}. */
  public AttachOptions mode(AttachMode mode) {
    return new AttachOptions(Objects.requireNonNull(mode, "mode"), pinDirectory);
  }

  /**
   * These options with pinning under {@code directory}, a directory in a bpffs mount (usually under
   * {@code /sys/fs/bpf}; created with mode 0700 if absent). Every map is pinned as {@code
   * directory/<map>}, every program as {@code directory/prog_<program>}, and every link as {@code
   * directory/link_<program>}, each with mode 0600. A pinned setup outlives the process: {@link
   * BpfObject#close()} then releases only this process's file descriptors, {@link
   * BpfObject#openPinned} reopens the setup later (from any process), and {@link
   * BpfObject#remove()} tears it down. Loading fails, before creating anything, if any of these
   * paths exists.
   */
  public AttachOptions pinTo(Path directory) {
    return new AttachOptions(mode, Objects.requireNonNull(directory, "directory"));
  }

  /** The attach mode. */
  public AttachMode mode() {
    return mode;
  }

  /** The pin directory, if the setup is to be pinned. */
  public Optional<Path> pinDirectory() {
    return Optional.ofNullable(pinDirectory);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AttachOptions other
        && mode == other.mode
        && Objects.equals(pinDirectory, other.pinDirectory);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, pinDirectory);
  }

  @Override
  public String toString() {
    return "AttachOptions[mode=" + mode + ", pinTo=" + pinDirectory + "]";
  }
}
