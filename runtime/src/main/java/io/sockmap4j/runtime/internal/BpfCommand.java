package io.sockmap4j.runtime.internal;

/** The {@code bpf()} commands the runtime issues, with their numbers from {@code linux/bpf.h}. */
public enum BpfCommand {
  MAP_CREATE(0),
  MAP_LOOKUP_ELEM(1),
  MAP_UPDATE_ELEM(2),
  MAP_DELETE_ELEM(3),
  MAP_GET_NEXT_KEY(4),
  PROG_LOAD(5),
  PROG_ATTACH(8),
  PROG_DETACH(9),
  PROG_TEST_RUN(10),
  PROG_GET_NEXT_ID(11),
  MAP_GET_NEXT_ID(12),
  PROG_GET_FD_BY_ID(13),
  MAP_GET_FD_BY_ID(14),
  OBJ_GET_INFO_BY_FD(15),
  OBJ_PIN(6),
  OBJ_GET(7),
  PROG_QUERY(16),
  BTF_LOAD(18),
  LINK_CREATE(28),
  LINK_GET_FD_BY_ID(30),
  LINK_GET_NEXT_ID(31),
  ENABLE_STATS(32),
  LINK_DETACH(34);

  private final int number;

  BpfCommand(int number) {
    this.number = number;
  }

  /** The command number passed as the first {@code bpf()} argument. */
  public int number() {
    return number;
  }

  /** The header's name, for example {@code BPF_MAP_CREATE}. */
  public String symbol() {
    return "BPF_" + name();
  }
}
