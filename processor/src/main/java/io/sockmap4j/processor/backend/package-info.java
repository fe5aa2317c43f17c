/**
 * The eBPF backend: an assembler with symbolic labels, a linked {@link
 * io.sockmap4j.processor.backend.Program}, a {@link io.sockmap4j.processor.backend.Printer} for
 * listings and a {@link io.sockmap4j.processor.backend.Checker} for the rules the kernel verifier
 * enforces on instruction level.
 *
 * <p>The three parts follow OW2 ASM (writer with labels, checking adapter, textifier) and the
 * cilium/ebpf {@code asm} package (typed fields, one logical instruction per {@code ld_imm64},
 * metadata outside the encoded bits). The frontend calls {@link
 * io.sockmap4j.processor.backend.Assembler}; nothing in this package knows about javac, so it is
 * pure Java and tested with raw bytes.
 *
 * <pre>
 *   frontend --calls--> Assembler --link()--> Program --encode()--> byte[] (struct bpf_insn[])
 *                                               |--> Printer.print   (golden listings)
 *                                               '--> Checker.check   (verifier rules)
 * </pre>
 *
 * <p>Numbers come from {@code include/uapi/linux/bpf_common.h} and {@code bpf.h}.
 */
package io.sockmap4j.processor.backend;
