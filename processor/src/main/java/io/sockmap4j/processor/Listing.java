package io.sockmap4j.processor;

import io.sockmap4j.processor.frontend.CompiledProgram;
import io.sockmap4j.processor.model.ClassModel;
import io.sockmap4j.processor.model.MapDecl;
import java.util.List;

/** The human-readable listing of a class's object: its maps, then each program's code. */
final class Listing {
  private Listing() {}

  static String of(ClassModel model, List<CompiledProgram> programs) {
    StringBuilder text = new StringBuilder();
    text.append("// sockmap4j listing of ").append(model.type().getQualifiedName()).append('\n');
    for (MapDecl map : model.maps()) {
      text.append(
          String.format(
              "map %s: %s key_size=%d value_size=%d max_entries=%d%n",
              map.name(), map.kind(), map.key().size(), map.valueSize(), map.maxEntries()));
    }
    for (CompiledProgram p : programs) {
      text.append('\n')
          .append(
              String.format(
                  "program %s: @%s on %s, %d instructions%n",
                  p.decl().name(),
                  p.decl().kind().annotationSimpleName(),
                  p.decl().map() == null ? "a cgroup" : "map " + p.decl().map().name(),
                  p.program().slotCount()))
          .append(p.listing());
      if (!p.listing().endsWith("\n")) {
        text.append('\n');
      }
    }
    return text.toString();
  }
}
