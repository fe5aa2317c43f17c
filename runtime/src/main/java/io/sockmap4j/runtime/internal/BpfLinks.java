package io.sockmap4j.runtime.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.ref.Reference;
import java.util.OptionalInt;

/**
 * The {@code bpf()} commands around attachments: bpf_links ({@code BPF_LINK_CREATE}, {@code
 * BPF_LINK_DETACH}, link info and ids) and {@code BPF_PROG_QUERY}.
 *
 * <pre>
 * link_create attr:  0 prog_fd  4 target_fd (the map)  8 attach_type  12 flags (0 for sockmaps)
 * link_detach attr:  0 link_fd
 * query attr:        0 target_fd  4 attach_type  8 query_flags  12 attach_flags
 *                   16 prog_ids (u64 pointer)  24 prog_cnt (in: capacity, out: count)
 * bpf_link_info:     0 type  4 id  8 prog_id  16 sockmap.map_id  20 sockmap.attach_type
 * </pre>
 *
 * <p>Sockmap links (link type {@value #LINK_TYPE_SOCKMAP}) exist since Linux 6.10; earlier kernels
 * refuse {@code BPF_LINK_CREATE} for SK_SKB and SK_MSG programs with EINVAL. A sockmap program
 * query exists since 5.19.
 */
public final class BpfLinks {

  /** {@code BPF_LINK_TYPE_SOCKMAP}. */
  public static final int LINK_TYPE_SOCKMAP = 14;

  private static final int LINK_INFO_LEN = 24;

  private BpfLinks() {}

  /** What {@code bpf_link_info} says about a link. */
  public record LinkInfo(int type, int id, int programId, int mapId, int attachType) {}

  /** {@code BPF_LINK_CREATE} of {@code progFd} to the map {@code mapFd}: returns the link's fd. */
  public static int linkCreate(String subject, int progFd, int mapFd, int attachType) {
    Memory attr = Bpf.attr();
    attr.setInt(0, progFd);
    attr.setInt(4, mapFd);
    attr.setInt(8, attachType);
    return (int) Bpf.require(BpfCommand.LINK_CREATE, subject, attr);
  }

  /**
   * {@code BPF_LINK_CREATE} that reports a refusal as {@code -errno} instead of throwing, for the
   * probe that asks whether the kernel has sockmap links at all.
   */
  static long tryLinkCreate(int progFd, int mapFd, int attachType) {
    Memory attr = Bpf.attr();
    attr.setInt(0, progFd);
    attr.setInt(4, mapFd);
    attr.setInt(8, attachType);
    return Bpf.invoke(BpfCommand.LINK_CREATE, attr);
  }

  /**
   * {@code BPF_LINK_DETACH}: detaches the link's program now, even while other fds or a pin still
   * hold the link (which then stays as an empty, "defunct" link until they are closed).
   */
  public static void linkDetach(String subject, int linkFd) {
    Memory attr = Bpf.attr();
    attr.setInt(0, linkFd);
    Bpf.require(BpfCommand.LINK_DETACH, subject, attr);
  }

  /** {@code BPF_OBJ_GET_INFO_BY_FD} on a link fd. */
  public static LinkInfo linkInfo(int linkFd) {
    Memory info = Bpf.objInfo(linkFd, LINK_INFO_LEN);
    return new LinkInfo(
        info.getInt(0), info.getInt(4), info.getInt(8), info.getInt(16), info.getInt(20));
  }

  /** {@code BPF_LINK_GET_NEXT_ID}: the smallest link id above {@code id}, empty at the end. */
  public static OptionalInt linkNextId(int id) {
    return Bpf.nextId(BpfCommand.LINK_GET_NEXT_ID, id);
  }

  /** {@code BPF_LINK_GET_FD_BY_ID}: a new fd for the link, empty when no such id exists. */
  public static OptionalInt linkFdById(int id) {
    return Bpf.fdById(BpfCommand.LINK_GET_FD_BY_ID, id);
  }

  /**
   * {@code BPF_PROG_QUERY} on a sockmap: the id of the program attached to {@code mapFd} with
   * {@code attachType} (a sockmap slot holds at most one), or empty when the slot is free or the
   * kernel does not know the attach type for this map (EOPNOTSUPP, for example a stream parser on a
   * kernel without CONFIG_BPF_STREAM_PARSER). The kernel answers EBUSY for the SK_SKB_VERDICT slot
   * while a STREAM_VERDICT program is attached and vice versa (the two exclude each other): that
   * slot is empty too.
   */
  public static OptionalInt progQuery(String subject, int mapFd, int attachType) {
    Memory ids = new Memory(4);
    ids.clear();
    Memory attr = Bpf.attr();
    attr.setInt(0, mapFd);
    attr.setInt(4, attachType);
    attr.setLong(16, Pointer.nativeValue(ids));
    attr.setInt(24, 1);
    long result = Bpf.invoke(BpfCommand.PROG_QUERY, attr);
    Reference.reachabilityFence(ids);
    if (result == -Errno.EOPNOTSUPP || result == -Errno.EBUSY) {
      return OptionalInt.empty();
    }
    if (result < 0) {
      throw Bpf.failure(BpfCommand.PROG_QUERY, subject, (int) -result);
    }
    return attr.getInt(24) == 0 ? OptionalInt.empty() : OptionalInt.of(ids.getInt(0));
  }

  /**
   * The id of the sockmap link that attaches a program to the map with id {@code mapId} at {@code
   * attachType}, found by walking every link in the kernel; empty when there is none.
   */
  public static OptionalInt findSockmapLink(int mapId, int attachType) {
    for (OptionalInt id = linkNextId(0); id.isPresent(); id = linkNextId(id.getAsInt())) {
      OptionalInt fd = linkFdById(id.getAsInt());
      if (fd.isEmpty()) {
        continue;
      }
      try {
        LinkInfo info = linkInfo(fd.getAsInt());
        if (info.type() == LINK_TYPE_SOCKMAP
            && info.mapId() == mapId
            && info.attachType() == attachType) {
          return OptionalInt.of(info.id());
        }
      } finally {
        LibC.INSTANCE.close(fd.getAsInt());
      }
    }
    return OptionalInt.empty();
  }
}
