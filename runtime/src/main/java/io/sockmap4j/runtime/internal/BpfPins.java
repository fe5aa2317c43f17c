package io.sockmap4j.runtime.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;

/**
 * {@code BPF_OBJ_PIN} and {@code BPF_OBJ_GET}: naming a map, program or link by a path in a bpffs
 * mount, so that it outlives the fds of the process that made it; and {@code bpf_map_info} in full,
 * to compare a pinned map's shape with a declared one.
 *
 * <pre>
 * obj attr:      0 pathname (u64 pointer to a NUL-terminated path)  8 bpf_fd  12 file_flags
 * bpf_map_info:  0 type  4 id  8 key_size  12 value_size  16 max_entries  20 map_flags  24 name[16]
 * </pre>
 */
public final class BpfPins {

  private static final int MAP_INFO_LEN = 40;

  private BpfPins() {}

  /** The parts of {@code bpf_map_info} that make a map's shape, with its id and kernel name. */
  public record MapShape(
      int type, int id, int keySize, int valueSize, int maxEntries, int flags, String name) {}

  /**
   * {@code BPF_OBJ_PIN}: creates the file {@code path} (which must not exist, in a bpffs mount)
   * that holds a reference to the object behind {@code fd}. The kernel creates it with mode {@code
   * 0600 & ~umask}.
   */
  public static void pin(String path, int fd) {
    Memory pathname = cString(path);
    Memory attr = Bpf.attr();
    attr.setLong(0, Pointer.nativeValue(pathname));
    attr.setInt(8, fd);
    Bpf.require(BpfCommand.OBJ_PIN, path, attr);
    Reference.reachabilityFence(pathname);
  }

  /** {@code BPF_OBJ_GET}: a new read-write fd for the object pinned at {@code path}. */
  public static int get(String path) {
    Memory pathname = cString(path);
    Memory attr = Bpf.attr();
    attr.setLong(0, Pointer.nativeValue(pathname));
    int fd = (int) Bpf.require(BpfCommand.OBJ_GET, path, attr);
    Reference.reachabilityFence(pathname);
    return fd;
  }

  /** {@code BPF_OBJ_GET_INFO_BY_FD} on a map fd, with the sizes and flags. */
  public static MapShape mapShape(int mapFd) {
    Memory info = Bpf.objInfo(mapFd, MAP_INFO_LEN);
    byte[] name = info.getByteArray(24, Bpf.OBJ_NAME_LEN);
    int length = 0;
    while (length < name.length && name[length] != 0) {
      length++;
    }
    return new MapShape(
        info.getInt(0),
        info.getInt(4),
        info.getInt(8),
        info.getInt(12),
        info.getInt(16),
        info.getInt(20),
        new String(name, 0, length, StandardCharsets.US_ASCII));
  }

  private static Memory cString(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Memory memory = new Memory(bytes.length + 1L);
    memory.write(0, bytes, 0, bytes.length);
    memory.setByte(bytes.length, (byte) 0);
    return memory;
  }
}
