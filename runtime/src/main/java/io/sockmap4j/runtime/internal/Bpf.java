package io.sockmap4j.runtime.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.sockmap4j.runtime.BpfException;
import io.sockmap4j.runtime.TestRun;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * One method per {@code bpf()} command, each building a zeroed {@code union bpf_attr} in native
 * memory with the offsets of {@code linux/bpf.h}.
 *
 * <p>Failures become {@link BpfException}s carrying the command, its subject, the errno and the
 * advice of {@link FailureAdvice}. Outcomes that are answers rather than failures (a missing key,
 * the end of an iteration, a freed id) are returned as {@code false} or an empty optional.
 *
 * <p>Buffers whose addresses are written into the attribute block are kept reachable until the
 * system call has returned: the attribute holds only their raw address, which does not keep the
 * {@link Memory} alive.
 */
public final class Bpf {

  /**
   * Bytes of {@code union bpf_attr} passed to the kernel. Larger than every field used here; the
   * kernel accepts a larger size than its own struct as long as the extra bytes are zero.
   */
  static final int ATTR_SIZE = 168;

  /** {@code BPF_OBJ_NAME_LEN}: names are at most 15 characters plus the terminating NUL. */
  static final int OBJ_NAME_LEN = 16;

  private static final int PROG_INFO_LEN = 80;
  private static final int MAP_INFO_LEN = 40;
  private static final int LOAD_ATTEMPTS = 5;
  private static final int BTF_LOG_SIZE = 64 * 1024;

  /** Bytes a test run's packet and context may grow by. */
  static final int TEST_RUN_SLACK = 1024;

  private static final long SYS_BPF = syscallNumber(System.getProperty("os.arch", ""));

  private Bpf() {}

  /** {@code BPF_MAP_CREATE}: returns the new map's fd. {@code name} must already be sanitized. */
  public static int mapCreate(
      String name, int type, int keySize, int valueSize, int maxEntries, int flags) {
    Memory attr = attr();
    attr.setInt(0, type);
    attr.setInt(4, keySize);
    attr.setInt(8, valueSize);
    attr.setInt(12, maxEntries);
    attr.setInt(16, flags);
    writeName(attr, 28, name);
    return (int) require(BpfCommand.MAP_CREATE, name, attr);
  }

  /** {@code BPF_MAP_UPDATE_ELEM} with the given {@code BPF_ANY/NOEXIST/EXIST} flags. */
  public static void mapUpdate(String subject, int mapFd, byte[] key, byte[] value, long flags) {
    Scratch scratch = Scratch.get();
    Memory attr = scratch.elemAttr(mapFd, scratch.key(key), scratch.value(value), flags);
    require(BpfCommand.MAP_UPDATE_ELEM, subject, attr);
  }

  /** {@code BPF_MAP_LOOKUP_ELEM}: the value, or {@code null} when the key is absent. */
  public static byte[] mapLookup(String subject, int mapFd, byte[] key, int valueSize) {
    Scratch scratch = Scratch.get();
    Memory valueBuffer = scratch.valueOut(valueSize);
    Memory attr = scratch.elemAttr(mapFd, scratch.key(key), valueBuffer, 0);
    boolean found = requireOrAbsent(BpfCommand.MAP_LOOKUP_ELEM, subject, attr);
    return found ? scratch.valueBytes(valueSize) : null;
  }

  /** {@code BPF_MAP_DELETE_ELEM}: {@code false} when the key was absent. */
  public static boolean mapDelete(String subject, int mapFd, byte[] key) {
    Scratch scratch = Scratch.get();
    return requireOrAbsent(
        BpfCommand.MAP_DELETE_ELEM, subject, scratch.elemAttr(mapFd, scratch.key(key), null, 0));
  }

  /**
   * {@code BPF_MAP_GET_NEXT_KEY}: the key after {@code key} (the first key when {@code key} is
   * null), or {@code null} at the end of the map.
   */
  public static byte[] mapNextKey(String subject, int mapFd, byte[] key, int keySize) {
    Memory keyBuffer = key == null ? null : nativeCopy(key);
    Memory next = new Memory(keySize);
    Memory attr = elemAttr(mapFd, keyBuffer, next);
    boolean found = requireOrAbsent(BpfCommand.MAP_GET_NEXT_KEY, subject, attr);
    Reference.reachabilityFence(keyBuffer);
    return found ? next.getByteArray(0, keySize) : null;
  }

  /**
   * {@code BPF_PROG_LOAD} without a verifier log: returns the program's fd. A verifier log costs
   * time and, with a too small buffer, fails valid programs with ENOSPC; ask for it only after a
   * failure, with {@link #progLoadLogged}.
   */
  public static int progLoad(ProgramImage image) {
    long result = progLoad(image, 0, null);
    if (result < 0) {
      throw failure(BpfCommand.PROG_LOAD, image.name(), (int) -result);
    }
    return (int) result;
  }

  /**
   * {@code BPF_PROG_LOAD} with {@code log_level} 1 and a log buffer of {@code logSize} bytes. Does
   * not throw for a refused program: the caller wants the log. A log longer than the buffer keeps
   * its end (kernels 6.4+ rotate the log), which holds the error.
   */
  public static LoggedLoad progLoadLogged(ProgramImage image, int logSize) {
    Memory log = new Memory(logSize);
    log.setByte(0, (byte) 0);
    log.setByte(logSize - 1L, (byte) 0);
    long result = progLoad(image, 1, log);
    String text = log.getString(0, StandardCharsets.UTF_8.name());
    return result < 0
        ? new LoggedLoad(-1, (int) -result, text)
        : new LoggedLoad((int) result, 0, text);
  }

  private static long progLoad(ProgramImage image, int logLevel, Memory log) {
    Memory insns = nativeCopy(image.insns());
    Memory license = new Memory(image.license().length() + 1L);
    license.setString(0, image.license(), StandardCharsets.US_ASCII.name());

    Memory attr = attr();
    attr.setInt(0, image.progType());
    attr.setInt(4, image.insns().length / 8);
    attr.setLong(8, Pointer.nativeValue(insns));
    attr.setLong(16, Pointer.nativeValue(license));
    if (log != null) {
      attr.setInt(24, logLevel);
      attr.setInt(28, (int) log.size());
      attr.setLong(32, Pointer.nativeValue(log));
    }
    writeName(attr, 48, image.name());
    attr.setInt(68, image.expectedAttachType());
    Memory funcInfo = null;
    Memory lineInfo = null;
    if (image.hasDebugInfo()) {
      ProgramBtf debug = image.debugInfo();
      attr.setInt(72, image.btfFd());
      if (debug.funcInfoCount() > 0) {
        funcInfo = nativeCopy(debug.funcInfo());
        attr.setInt(76, ProgramBtf.FUNC_INFO_SIZE);
        attr.setLong(80, Pointer.nativeValue(funcInfo));
        attr.setInt(88, debug.funcInfoCount());
      }
      if (debug.lineInfoCount() > 0) {
        lineInfo = nativeCopy(debug.lineInfo());
        attr.setInt(92, ProgramBtf.LINE_INFO_SIZE);
        attr.setLong(96, Pointer.nativeValue(lineInfo));
        attr.setInt(104, debug.lineInfoCount());
      }
    }

    long result = invoke(BpfCommand.PROG_LOAD, attr);
    for (int attempt = 1; result == -Errno.EAGAIN && attempt < LOAD_ATTEMPTS; attempt++) {
      result = invoke(BpfCommand.PROG_LOAD, attr);
    }
    Reference.reachabilityFence(insns);
    Reference.reachabilityFence(license);
    Reference.reachabilityFence(log);
    Reference.reachabilityFence(funcInfo);
    Reference.reachabilityFence(lineInfo);
    return result;
  }

  /**
   * {@code BPF_BTF_LOAD}: loads a BTF blob and returns its fd (kernel 4.18+; line and function info
   * for programs need 5.0+). A refused blob is loaded again with the BTF log on, and the exception
   * quotes the log's last lines, so that a malformed blob explains itself.
   *
   * <pre>
   * attr:  0 btf (u64 ptr)  8 btf_log_buf (u64 ptr)  16 btf_size  20 btf_log_size  24 btf_log_level
   * </pre>
   *
   * @param subject what the blob describes, for the exception
   */
  public static int btfLoad(String subject, byte[] blob) {
    long result = btfLoad(blob, null);
    if (result >= 0) {
      return (int) result;
    }
    Memory log = new Memory(BTF_LOG_SIZE);
    log.clear();
    long retry = btfLoad(blob, log);
    if (retry >= 0) {
      return (int) retry;
    }
    String text = log.getString(0, StandardCharsets.UTF_8.name()).strip();
    String advice = FailureAdvice.of(BpfCommand.BTF_LOAD, (int) -retry);
    if (!text.isEmpty()) {
      String[] lines = text.split("\n");
      String tail =
          String.join(
              " / ", Arrays.asList(lines).subList(Math.max(0, lines.length - 3), lines.length));
      advice = (advice == null ? "" : advice + "; ") + "the kernel's BTF log ends: " + tail;
    }
    throw new BpfException(BpfCommand.BTF_LOAD.symbol() + " " + subject, (int) -retry, advice);
  }

  private static long btfLoad(byte[] blob, Memory log) {
    Memory btf = nativeCopy(blob);
    Memory attr = attr();
    attr.setLong(0, Pointer.nativeValue(btf));
    attr.setInt(16, blob.length);
    if (log != null) {
      attr.setLong(8, Pointer.nativeValue(log));
      attr.setInt(20, (int) log.size());
      attr.setInt(24, 1);
    }
    long result = invoke(BpfCommand.BTF_LOAD, attr);
    Reference.reachabilityFence(btf);
    Reference.reachabilityFence(log);
    return result;
  }

  /** {@code BPF_PROG_ATTACH} of {@code progFd} to {@code targetFd} (a map fd for sockmaps). */
  public static void progAttach(String subject, int targetFd, int progFd, int attachType) {
    require(BpfCommand.PROG_ATTACH, subject, attachAttr(targetFd, progFd, attachType));
  }

  /** {@code BPF_PROG_DETACH}: the reverse of {@link #progAttach}. */
  public static void progDetach(String subject, int targetFd, int progFd, int attachType) {
    require(BpfCommand.PROG_DETACH, subject, attachAttr(targetFd, progFd, attachType));
  }

  /**
   * {@code BPF_PROG_TEST_RUN}, once: runs the program on {@code data} with the optional context
   * {@code context} and returns what it returned, with the packet and context it left.
   *
   * <p>Only some program types have a test run (SCHED_CLS and SOCKET_FILTER among those sockmap4j
   * cares about; never SK_SKB or SK_MSG, which fail with ENOTSUPP). The output buffers are the
   * input size plus {@value #TEST_RUN_SLACK} bytes, so a program that grows the packet by more
   * fails with ENOSPC.
   *
   * <pre>
   * test attr:  0 prog_fd  4 retval  8 data_size_in  12 data_size_out  16 data_in  24 data_out
   *            32 repeat  36 duration  40 ctx_size_in  44 ctx_size_out  48 ctx_in  56 ctx_out
   *            64 flags  68 cpu  72 batch_size
   * </pre>
   *
   * @param context the context to run with, or {@code null} for the kernel's default
   */
  public static TestRun progTestRun(String subject, int progFd, byte[] data, byte[] context) {
    Memory dataIn = nativeCopy(data.length == 0 ? new byte[1] : data);
    Memory dataOut = new Memory(data.length + (long) TEST_RUN_SLACK);
    Memory ctxIn = context == null || context.length == 0 ? null : nativeCopy(context);
    Memory ctxOut = ctxIn == null ? null : new Memory(context.length + (long) TEST_RUN_SLACK);
    Memory attr = attr();
    attr.setInt(0, progFd);
    attr.setInt(8, data.length);
    attr.setInt(12, (int) dataOut.size());
    attr.setLong(16, Pointer.nativeValue(dataIn));
    attr.setLong(24, Pointer.nativeValue(dataOut));
    attr.setInt(32, 1);
    if (ctxIn != null) {
      attr.setInt(40, context.length);
      attr.setInt(44, (int) ctxOut.size());
      attr.setLong(48, Pointer.nativeValue(ctxIn));
      attr.setLong(56, Pointer.nativeValue(ctxOut));
    }
    require(BpfCommand.PROG_TEST_RUN, subject, attr);
    byte[] packet = dataOut.getByteArray(0, Math.min(attr.getInt(12), (int) dataOut.size()));
    byte[] contextAfter =
        ctxOut == null
            ? new byte[0]
            : ctxOut.getByteArray(0, Math.min(attr.getInt(44), (int) ctxOut.size()));
    Reference.reachabilityFence(dataIn);
    Reference.reachabilityFence(ctxIn);
    return new TestRun(attr.getInt(4), attr.getInt(36), packet, contextAfter);
  }

  /** {@code BPF_OBJ_GET_INFO_BY_FD} on a program fd. */
  public static ObjectInfo progInfo(int progFd) {
    Memory info = objInfo(progFd, PROG_INFO_LEN);
    return new ObjectInfo(info.getInt(0), info.getInt(4), readName(info, 64));
  }

  /**
   * The number of BTF line-info records the kernel holds for a program ({@code bpf_prog_info}
   * {@code nr_line_info} at offset 148): 0 when it was loaded without line info.
   */
  public static int progLineInfoCount(int progFd) {
    return objInfo(progFd, 152).getInt(148);
  }

  /** {@code BPF_OBJ_GET_INFO_BY_FD} on a map fd. */
  public static ObjectInfo mapInfo(int mapFd) {
    Memory info = objInfo(mapFd, MAP_INFO_LEN);
    return new ObjectInfo(info.getInt(0), info.getInt(4), readName(info, 24));
  }

  /** {@code BPF_PROG_GET_FD_BY_ID}: a new fd for the program, empty when no such id exists. */
  public static OptionalInt progFdById(int id) {
    return fdById(BpfCommand.PROG_GET_FD_BY_ID, id);
  }

  /** {@code BPF_MAP_GET_FD_BY_ID}: a new fd for the map, empty when no such id exists. */
  public static OptionalInt mapFdById(int id) {
    return fdById(BpfCommand.MAP_GET_FD_BY_ID, id);
  }

  /** {@code BPF_PROG_GET_NEXT_ID}: the smallest program id above {@code id}, empty at the end. */
  public static OptionalInt progNextId(int id) {
    return nextId(BpfCommand.PROG_GET_NEXT_ID, id);
  }

  /** {@code BPF_MAP_GET_NEXT_ID}: the smallest map id above {@code id}, empty at the end. */
  public static OptionalInt mapNextId(int id) {
    return nextId(BpfCommand.MAP_GET_NEXT_ID, id);
  }

  /** The exception for {@code command} on {@code subject} failing with {@code errno}. */
  public static BpfException failure(BpfCommand command, String subject, int errno) {
    return new BpfException(
        command.symbol() + " " + subject, errno, FailureAdvice.of(command, errno));
  }

  static Memory objInfo(int fd, int length) {
    Memory info = new Memory(length);
    info.clear();
    Memory attr = attr();
    attr.setInt(0, fd);
    attr.setInt(4, length);
    attr.setLong(8, Pointer.nativeValue(info));
    require(BpfCommand.OBJ_GET_INFO_BY_FD, "fd " + fd, attr);
    Reference.reachabilityFence(info);
    return info;
  }

  static OptionalInt fdById(BpfCommand command, int id) {
    Memory attr = attr();
    attr.setInt(0, id);
    long result = invoke(command, attr);
    if (result == -Errno.ENOENT) {
      return OptionalInt.empty();
    }
    if (result < 0) {
      throw failure(command, "id " + id, (int) -result);
    }
    return OptionalInt.of((int) result);
  }

  static OptionalInt nextId(BpfCommand command, int id) {
    Memory attr = attr();
    attr.setInt(0, id);
    return requireOrAbsent(command, "after id " + id, attr)
        ? OptionalInt.of(attr.getInt(4))
        : OptionalInt.empty();
  }

  private static Memory elemAttr(int mapFd, Memory key, Memory valueOrNext) {
    return elemAttr(attr(), mapFd, key, valueOrNext);
  }

  private static Memory elemAttr(Memory attr, int mapFd, Memory key, Memory valueOrNext) {
    attr.setInt(0, mapFd);
    attr.setLong(8, key == null ? 0 : Pointer.nativeValue(key));
    attr.setLong(16, valueOrNext == null ? 0 : Pointer.nativeValue(valueOrNext));
    return attr;
  }

  private static Memory attachAttr(int targetFd, int progFd, int attachType) {
    Memory attr = attr();
    attr.setInt(0, targetFd);
    attr.setInt(4, progFd);
    attr.setInt(8, attachType);
    return attr;
  }

  private static Memory nativeCopy(byte[] bytes) {
    Memory buffer = new Memory(bytes.length);
    buffer.write(0, bytes, 0, bytes.length);
    return buffer;
  }

  static Memory attr() {
    Memory attr = new Memory(ATTR_SIZE);
    attr.clear();
    return attr;
  }

  private static void writeName(Memory attr, int offset, String name) {
    byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
    attr.write(offset, bytes, 0, Math.min(bytes.length, OBJ_NAME_LEN - 1));
  }

  private static String readName(Memory info, int offset) {
    byte[] bytes = info.getByteArray(offset, OBJ_NAME_LEN);
    int length = 0;
    while (length < bytes.length && bytes[length] != 0) {
      length++;
    }
    return new String(bytes, 0, length, StandardCharsets.US_ASCII);
  }

  static boolean requireOrAbsent(BpfCommand command, String subject, Memory attr) {
    long result = invoke(command, attr);
    if (result == -Errno.ENOENT) {
      return false;
    }
    if (result < 0) {
      throw failure(command, subject, (int) -result);
    }
    return true;
  }

  static long require(BpfCommand command, String subject, Memory attr) {
    long result = invoke(command, attr);
    if (result < 0) {
      throw failure(command, subject, (int) -result);
    }
    return result;
  }

  /** Issues {@code command}; returns the non-negative result, or {@code -errno} on failure. */
  static long invoke(BpfCommand command, Memory attr) {
    if (SYS_BPF < 0) {
      throw new UnsupportedOperationException(
          "sockmap4j knows the bpf() system call number for x86-64 and arm64 only; os.arch is "
              + System.getProperty("os.arch"));
    }
    long result = Syscalls.syscall(SYS_BPF, command.number(), Pointer.nativeValue(attr), ATTR_SIZE);
    int errno = result < 0 ? Native.getLastError() : 0;
    Reference.reachabilityFence(attr);
    return result < 0 ? -errno : result;
  }

  static long syscallNumber(String arch) {
    switch (arch) {
      case "amd64":
      case "x86_64":
        return 321;
      case "aarch64":
      case "arm64":
        return 280;
      default:
        return -1;
    }
  }
}
