package io.sockmap4j.processor.backend;

import java.util.Objects;

/**
 * A map reference the loader must patch: the {@code ld_imm64} at {@code slot} has {@code src_reg =
 * BPF_PSEUDO_MAP_FD} and an immediate of 0, to be replaced by the fd of the map named {@code
 * mapName} before {@code BPF_PROG_LOAD}. The fd goes into the low 32 bits, that is bytes 4 to 7 of
 * the slot.
 *
 * @param slot the first slot of the {@code ld_imm64}
 * @param mapName the map's name as declared in the Java source
 */
public record Relocation(int slot, String mapName) {

  /** Validates the slot and the name. */
  public Relocation {
    if (slot < 0) {
      throw new IllegalArgumentException("slot must not be negative, got " + slot);
    }
    Objects.requireNonNull(mapName, "mapName");
    if (mapName.isEmpty()) {
      throw new IllegalArgumentException("map name must not be empty");
    }
  }
}
