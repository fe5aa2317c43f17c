package io.sockmap4j.runtime;

import io.sockmap4j.runtime.ObjectSpec.MapSpec;
import io.sockmap4j.runtime.ObjectSpec.ProgramSpec;
import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.BpfLinks;
import io.sockmap4j.runtime.internal.BpfPins;
import io.sockmap4j.runtime.internal.BpfPins.MapShape;
import io.sockmap4j.runtime.internal.ObjectInfo;
import io.sockmap4j.runtime.internal.OwnedFd;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Reopens the parts of a pinned object for {@link BpfObject#openPinned}: each map with its shape
 * checked, each program with its type checked, and how each program is attached.
 */
final class PinnedParts {

  private PinnedParts() {}

  static BpfMap openMap(Pins pins, MapSpec spec) {
    OwnedFd fd = pins.open(pins.mapPin(spec.name()), "map " + spec.name());
    try {
      int value = fd.acquire();
      MapShape shape;
      try {
        shape = BpfPins.mapShape(value);
      } finally {
        fd.release();
      }
      pins.checkShape(spec, shape);
      return new BpfMap(spec, fd, shape.id());
    } catch (RuntimeException e) {
      fd.close();
      throw e;
    }
  }

  static LoadedProgram openProgram(Pins pins, ProgramSpec spec) {
    Path path = pins.programPin(spec.name());
    OwnedFd fd = pins.open(path, "program " + spec.name());
    try {
      int value = fd.acquire();
      ObjectInfo info;
      try {
        info = Bpf.progInfo(value);
      } finally {
        fd.release();
      }
      if (info.type() != spec.progType()) {
        throw new PinException(
            path,
            path
                + " holds a program of type "
                + info.type()
                + " where program "
                + spec.name()
                + " is declared with type "
                + spec.progType()
                + ": remove the stale pins or open them with the declarations that made them");
      }
      return LoadedProgram.opened(spec, fd, info.id());
    } catch (RuntimeException e) {
      fd.close();
      throw e;
    }
  }

  /**
   * Records how a reopened program is attached: by its pinned link, or, without one, by the legacy
   * attachment the map's slot reports (none when the slot holds another program or is empty).
   */
  static void adoptAttachment(Pins pins, LoadedProgram program, BpfMap map) {
    int attachType = program.spec().attachType();
    if (pins.hasLink(program.name())) {
      adoptLink(pins, program, map, attachType);
      return;
    }
    int mapFd = map.ownedFd().acquire();
    try {
      OptionalInt attached = BpfLinks.progQuery(map.name(), mapFd, attachType);
      if (attached.isPresent() && attached.getAsInt() == program.id()) {
        program.adoptLegacy(map);
      }
    } finally {
      map.ownedFd().release();
    }
  }

  static void adoptLink(Pins pins, LoadedProgram program, BpfMap map, int attachType) {
    Path path = pins.linkPin(program.name());
    OwnedFd link = pins.open(path, "link of program " + program.name());
    try {
      int value = link.acquire();
      BpfLinks.LinkInfo info;
      try {
        info = BpfLinks.linkInfo(value);
      } finally {
        link.release();
      }
      if (info.type() != BpfLinks.LINK_TYPE_SOCKMAP
          || info.programId() != program.id()
          || info.mapId() != map.id()
          || info.attachType() != attachType) {
        throw new PinException(
            path,
            path
                + " is not the link of program "
                + program.name()
                + " to map "
                + map.name()
                + ": it links program "
                + info.programId()
                + " to map "
                + info.mapId()
                + " (link type "
                + info.type()
                + ", attach type "
                + info.attachType()
                + "; map 0 means the link was detached). Remove the stale pins");
      }
      program.adoptLink(map, link, info.id());
    } catch (RuntimeException e) {
      link.close();
      throw e;
    }
  }
}
