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
 * AttachOptions.defaults().cgroup(Path.of("/sys/fs/cgroup/unified/mesh"))  // for @SockOps
 * }</pre>
 */
public final class AttachOptions {

  private static final AttachOptions DEFAULTS = new AttachOptions(AttachMode.AUTO, null, null);

  private final AttachMode mode;
  private final Path pinDirectory;
  private final Path cgroup;

  private AttachOptions(AttachMode mode, Path pinDirectory, Path cgroup) {
    this.mode = mode;
    this.pinDirectory = pinDirectory;
    this.cgroup = cgroup;
  }

  /** {@link AttachMode#AUTO}, and no pinning: the setup lives as long as the object. */
  public static AttachOptions defaults() {
    return DEFAULTS;
  }

  /** These options with {@code mode}. */
  public AttachOptions mode(AttachMode mode) {
    return new AttachOptions(Objects.requireNonNull(mode, "mode"), pinDirectory, cgroup);
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
    return new AttachOptions(mode, Objects.requireNonNull(directory, "directory"), cgroup);
  }

  /**
   * These options with the cgroup v2 directory that the object's {@code @SockOps} programs attach
   * to, for example {@code /sys/fs/cgroup/mesh} (or {@code /sys/fs/cgroup/unified/mesh} on a hybrid
   * cgroup v1/v2 system). The programs then run for the TCP sockets created by the processes of
   * that cgroup and of its descendants. They are attached beside the programs already there ({@code
   * BPF_F_ALLOW_MULTI}, or a bpf_link on Linux 5.7+ as {@link #mode} allows), never in place of
   * one, and detached again by {@link BpfObject#close()}. Required when the object has sock_ops
   * programs, ignored otherwise.
   */
  public AttachOptions cgroup(Path directory) {
    return new AttachOptions(mode, pinDirectory, Objects.requireNonNull(directory, "directory"));
  }

  /** The cgroup the sock_ops programs attach to, if one was given. */
  public Optional<Path> cgroup() {
    return Optional.ofNullable(cgroup);
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
        && Objects.equals(pinDirectory, other.pinDirectory)
        && Objects.equals(cgroup, other.cgroup);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, pinDirectory, cgroup);
  }

  @Override
  public String toString() {
    return "AttachOptions[mode="
        + mode
        + ", pinTo="
        + pinDirectory
        + (cgroup == null ? "" : ", cgroup=" + cgroup)
        + "]";
  }
}
