package io.sockmap4j.processor.model;

/**
 * The kinds of program a method can declare, with the kernel's program and attach types ({@code
 * bpf_prog_type}, {@code bpf_attach_type}).
 */
public enum ProgramKind {
  /** SK_SKB stream parser: returns the message length. */
  SKB_PARSER("io.sockmap4j.SkSkbParser", 14, 4, ContextKind.SK_BUFF, false),
  /** SK_SKB stream verdict. */
  SKB_VERDICT("io.sockmap4j.SkSkbVerdict", 14, 5, ContextKind.SK_BUFF, true),
  /** SK_MSG verdict on sendmsg. */
  MSG_VERDICT("io.sockmap4j.SkMsgVerdict", 16, 7, ContextKind.SK_MSG, true),
  /** SOCK_OPS program on a cgroup ({@code BPF_CGROUP_SOCK_OPS}); returns nothing in Java. */
  SOCK_OPS("io.sockmap4j.SockOps", 13, 3, ContextKind.SOCK_OPS, false),
  /** SK_SKB verdict without strparser (Linux 5.13): TCP, UDP and AF_UNIX sockets. */
  SKB_SOCKET_VERDICT("io.sockmap4j.SkbVerdict", 14, 38, ContextKind.SK_BUFF, true);

  private final String annotation;
  private final int progType;
  private final int attachType;
  private final ContextKind context;
  private final boolean returnsVerdict;

  ProgramKind(
      String annotation, int progType, int attachType, ContextKind context, boolean verdict) {
    this.annotation = annotation;
    this.progType = progType;
    this.attachType = attachType;
    this.context = context;
    this.returnsVerdict = verdict;
  }

  public String annotation() {
    return annotation;
  }

  public String annotationSimpleName() {
    return annotation.substring(annotation.lastIndexOf('.') + 1);
  }

  public int progType() {
    return progType;
  }

  public int attachType() {
    return attachType;
  }

  public ContextKind context() {
    return context;
  }

  /**
   * Whether the program is attached to a map named in its annotation; a {@link #SOCK_OPS} program
   * is attached to a cgroup chosen at run time instead.
   */
  public boolean attachesToMap() {
    return this != SOCK_OPS;
  }

  /** Whether the method is {@code void}: a sock_ops program, which returns 1 to the kernel. */
  public boolean returnsVoid() {
    return this == SOCK_OPS;
  }

  /** Verdict programs return {@code io.sockmap4j.Verdict}; the parser returns {@code int}. */
  public boolean returnsVerdict() {
    return returnsVerdict;
  }
}
