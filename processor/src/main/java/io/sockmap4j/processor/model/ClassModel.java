package io.sockmap4j.processor.model;

import java.util.List;
import java.util.Optional;
import javax.lang.model.element.TypeElement;

/**
 * Everything declared by one annotated class: its maps and programs.
 *
 * @param type the class
 * @param maps maps in declaration order
 * @param programs programs in declaration order
 */
public record ClassModel(TypeElement type, List<MapDecl> maps, List<ProgramDecl> programs) {
  /** The map declared by the field {@code name}. */
  public Optional<MapDecl> map(String name) {
    return maps.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** Index of a map in {@link #maps()}, as relocations refer to it. */
  public int mapIndex(String name) {
    for (int i = 0; i < maps.size(); i++) {
      if (maps.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no map " + name);
  }
}
