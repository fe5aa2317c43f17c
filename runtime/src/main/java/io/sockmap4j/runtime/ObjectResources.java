package io.sockmap4j.runtime;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a {@link BpfObject} holds in the kernel, released exactly once: by {@link BpfObject#close()}
 * or {@link BpfObject#remove()}, or, for an object that became unreachable without either, by the
 * {@link java.lang.ref.Cleaner} (which logs a warning naming the leak).
 *
 * <p>This is the Cleaner's state, so it must never refer to the {@link BpfObject}: that reference
 * would keep the object reachable and the Cleaner would never run.
 */
final class ObjectResources implements Runnable {

  /** Set to {@code true} to record where each object was created, for the leak warning. */
  static final String TRACK_PROPERTY = "sockmap4j.trackLeaks";

  private static final System.Logger LOG = System.getLogger(BpfObject.class.getName());

  private final List<LoadedProgram> programs;
  private final List<BpfMap> maps;
  private final Pins pins;
  private final String description;
  private final Throwable origin;
  private final AtomicBoolean released = new AtomicBoolean();

  /**
   * @param pins the pins of a pinned object, whose kernel setup a plain close leaves in place; or
   *     {@code null}
   * @param description what the object is, for the leak warning
   */
  ObjectResources(List<LoadedProgram> programs, List<BpfMap> maps, Pins pins, String description) {
    this.programs = programs;
    this.maps = maps;
    this.pins = pins;
    this.description = description;
    this.origin =
        Boolean.getBoolean(TRACK_PROPERTY)
            ? new Throwable("the leaked sockmap4j object was created here")
            : null;
  }

  /**
   * Releases the object as {@link BpfObject#close()} does: a pinned object's fds only; otherwise
   * detach, empty the socket maps, close. Returns the first failure, or null; nothing when already
   * released.
   */
  RuntimeException close() {
    if (!released.compareAndSet(false, true)) {
      return null;
    }
    if (pins != null) {
      closeFds(programs, maps);
      return null;
    }
    return teardown(programs, maps);
  }

  /**
   * Tears the whole setup down, pinned or not: detach, empty the socket maps, close, and remove the
   * pins and the directory when it is left empty.
   */
  RuntimeException remove() {
    if (!released.compareAndSet(false, true)) {
      return null;
    }
    RuntimeException failure = teardown(programs, maps);
    if (pins != null) {
      failure = merge(failure, pins.unpinAll());
      try {
        pins.removeDirectoryIfEmpty();
      } catch (RuntimeException e) {
        failure = merge(failure, e);
      }
    }
    return failure;
  }

  /** The Cleaner's action: runs only for an object that was never closed. */
  @Override
  public void run() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    String what =
        "sockmap4j: "
            + description
            + " became unreachable without close(); releasing it now. Close every BpfObject and"
            + " Loader (try-with-resources, or close() on shutdown)"
            + (pins == null
                ? ""
                : "; its pinned setup under " + pins.directory() + " stays in the kernel")
            + (origin == null
                ? ". Run with -D" + TRACK_PROPERTY + "=true to log where it was created"
                : "");
    if (origin == null) {
      LOG.log(Level.WARNING, what);
    } else {
      LOG.log(Level.WARNING, what, origin);
    }
    RuntimeException failure = null;
    if (pins == null) {
      failure = teardown(programs, maps);
    } else {
      closeFds(programs, maps);
    }
    if (failure != null) {
      LOG.log(Level.WARNING, "sockmap4j: releasing " + description + " failed", failure);
    }
  }

  /**
   * Detaches every program, empties the socket maps, then closes every fd; returns the first
   * failure with the rest suppressed. Every fd is closed regardless.
   */
  static RuntimeException teardown(List<LoadedProgram> programs, List<BpfMap> maps) {
    RuntimeException failure = null;
    for (LoadedProgram program : programs) {
      try {
        program.detach();
      } catch (RuntimeException e) {
        failure = merge(failure, e);
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
          failure = merge(failure, e);
        }
      }
    }
    closeFds(programs, maps);
    return failure;
  }

  static void closeFds(List<LoadedProgram> programs, List<BpfMap> maps) {
    programs.forEach(LoadedProgram::close);
    maps.forEach(BpfMap::close);
  }

  private static RuntimeException merge(RuntimeException first, RuntimeException next) {
    if (next == null) {
      return first;
    }
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
