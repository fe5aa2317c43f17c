package io.sockmap4j.processor.model;

/** The kinds of map a class can declare, with the kernel's {@code bpf_map_type} values. */
public enum MapKind {
  /** {@code BPF_MAP_TYPE_SOCKMAP}: int-indexed array of sockets. */
  SOCKMAP(15, "io.sockmap4j.SocketMap", "io.sockmap4j.SockMap"),
  /** {@code BPF_MAP_TYPE_SOCKHASH}: sockets under arbitrary fixed-size keys. */
  SOCKHASH(18, "io.sockmap4j.SocketHash", "io.sockmap4j.SockHash"),
  /** {@code BPF_MAP_TYPE_HASH}: values under fixed-size keys. */
  HASH(1, "io.sockmap4j.StateMap", "io.sockmap4j.BpfHash"),
  /** {@code BPF_MAP_TYPE_LRU_HASH}: a hash that evicts the least recently used keys when full. */
  LRU_HASH(9, "io.sockmap4j.StateMap", "io.sockmap4j.BpfLruHash"),
  /** {@code BPF_MAP_TYPE_ARRAY}: values at int indexes, all present. */
  ARRAY(2, "io.sockmap4j.ArrayMap", "io.sockmap4j.BpfArray"),
  /** {@code BPF_MAP_TYPE_PERCPU_ARRAY}: an array with one value per CPU at each index. */
  PERCPU_ARRAY(6, "io.sockmap4j.PerCpuArray", "io.sockmap4j.BpfPerCpuArray");

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

  /** Whether the map holds sockets (SOCKMAP, SOCKHASH) rather than values. */
  public boolean holdsSockets() {
    return this == SOCKMAP || this == SOCKHASH;
  }

  /** Whether keys are int indexes into a fixed array (no insert, no delete). */
  public boolean isArray() {
    return this == ARRAY || this == PERCPU_ARRAY || this == SOCKMAP;
  }

  /** The annotation's simple name, as users write it. */
  public String annotationSimpleName() {
    return annotation.substring(annotation.lastIndexOf('.') + 1);
  }

  /** The field type's simple name. */
  public String fieldSimpleName() {
    return fieldType.substring(fieldType.lastIndexOf('.') + 1);
  }

  /** Sockmap values are 8 bytes so that a lookup from user space returns the socket cookie. */
  public int valueSize() {
    return 8;
  }
}
