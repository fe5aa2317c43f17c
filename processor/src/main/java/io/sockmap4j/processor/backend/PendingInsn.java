package io.sockmap4j.processor.backend;

/**
 * An instruction as the {@link Assembler} records it, before linking: the offset of a jump is still
 * 0 and its target is a {@link Label}; the source position and map name ride along until the {@link
 * Linker} moves them into the {@link Program}'s tables.
 *
 * @param insn the instruction, with offset 0 if it is a jump
 * @param target the jump target, or null if the instruction is no jump
 * @param pos the source position, or null if unknown
 * @param mapName the referenced map, or null if this is no map load
 */
record PendingInsn(Insn insn, Label target, SourcePos pos, String mapName) {}
