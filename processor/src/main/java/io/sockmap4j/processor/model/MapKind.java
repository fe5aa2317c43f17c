package io.sockmap4j.processor.model;

/** The kinds of map a class can declare, with the kernel's {@code bpf_map_type} values. */
public enum MapKind {
  /** {@code BPF_MAP_TYPE_SOCKMAP}: int-indexed array of sockets. */
  SOCKMAP(15, "io.sockmap4j.SocketMap", "io.sockmap4j.SockMap"),
  /** {@code BPF_MAP_TYPE_SOCKHASH}: sockets under arbitrary fixed-size keys. */
  SOCKHASH(18, "io.sockmap4j.SocketHash", "io.sockmap4j.SockHash");

  private final int kernelType;
  private final String fieldType;
  private final String annotation;

  MapKind(int kernelType, String fieldType, String annotation) {
    this.kernelType = kernelType;
    this.fieldType = fieldType;
    this.annotation = annotation;
  }

  public int kernelType() {
    return kernelType;
  }

  /** The program-side type the annotated field must have. */
  public String fieldType() {
    return fieldType;
  }

  /** The annotation that declares this kind. */
  public String annotation() {
    return annotation;
  }

  /** Sockmap values are 8 bytes so that a lookup from user space returns the socket cookie. */
  public int valueSize() {
    return 8;
  }
}
