package io.sockmap4j.processor.frontend;

import io.sockmap4j.processor.backend.Program;
import io.sockmap4j.processor.model.ProgramDecl;

/**
 * A program that compiled, passed the {@code Checker}, and is ready to be written.
 *
 * @param decl what it is and where it attaches
 * @param program the linked instructions
 * @param listing the readable listing with {@code ; source} lines
 * @param sourceFile the Java file name, for the kernel's line info and error messages
 */
public record CompiledProgram(
    ProgramDecl decl, Program program, String listing, String sourceFile) {}
