package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.Bpf;
import io.sockmap4j.runtime.internal.BpfCommand;
import io.sockmap4j.runtime.internal.BpfLinks;
import io.sockmap4j.runtime.internal.Errno;
import io.sockmap4j.runtime.internal.FailureAdvice;
import io.sockmap4j.runtime.internal.JdkSocketFds;
import io.sockmap4j.runtime.internal.LoggedLoad;
import io.sockmap4j.runtime.internal.MemlockLimit;
import io.sockmap4j.runtime.internal.ObjectNames;
import io.sockmap4j.runtime.internal.OwnedFd;
import io.sockmap4j.runtime.internal.ProgramBtf;
import io.sockmap4j.runtime.internal.ProgramImage;
import io.sockmap4j.runtime.internal.SocketOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Asks the running kernel, one small object at a time, whether it supports what sockmap4j builds
 * on.
 *
 * <p>Each probe creates the smallest object that proves its feature (a one-entry map, a
 * two-instruction program), attaches it where the feature is an attachment, and closes everything
 * before it returns, whether the kernel accepted or refused. Closing the last fd of a map or
 * program frees it (after an RCU grace period) and detaches whatever was attached, so a probe
 * leaves nothing behind. Probe objects are named {@value #NAME_PREFIX}{@code *}, so anyone who sees
 * one in {@code bpftool prog show} while a probe runs knows where it came from.
 *
 * <p>Nothing is cached and the kernel version is never consulted: capabilities and limits change
 * while a process runs, distributions backport features to old kernels and build new kernels
 * without them. The minimum versions in the Javadoc are for reading, not for deciding.
 *
 * <p>The probe programs are raw instructions, {@code struct bpf_insn} in host byte order:
 *
 * <pre>
 * byte 0       1                    2..3        4..7
 *     +-------+--------------------+-----------+-----------+
 *     | code  | src (hi) | dst (lo)| s16 off   | s32 imm   |
 *     +-------+--------------------+-----------+-----------+
 * </pre>
 */
public final class KernelFeatures {

  /** The name every probe object starts with. */
  public static final String NAME_PREFIX = "sm4j_probe_";

  private static final int MAP_ARRAY = 2;
  private static final int MAP_SOCKMAP = 15;
  private static final int MAP_SOCKHASH = 18;
  private static final int PROG_SOCKET_FILTER = 1;
  private static final int PROG_SK_SKB = 14;
  private static final int PROG_SK_MSG = 16;
  private static final int ATTACH_STREAM_PARSER = 4;
  private static final int ATTACH_STREAM_VERDICT = 5;
  private static final int ATTACH_MSG_VERDICT = 7;
  private static final int ATTACH_SKB_VERDICT = 38;
  private static final String LICENSE = "GPL";
  private static final int LOG_SIZE = 4096;
  private static final int EXCHANGE_TIMEOUT_MILLIS = 2000;

  /** {@code r0 = 1; exit}: returns SK_PASS (1). A verdict that lets every byte through. */
  static final byte[] RETURN_PASS =
      program(
          insn(0xb7, 0, 0, 0, 1), // BPF_ALU64 | BPF_MOV | BPF_K: r0 = 1
          insn(0x95, 0, 0, 0, 0)); // BPF_JMP | BPF_EXIT

  /**
   * {@code r0 = *(u32 *)(r1 + 0); exit}: returns {@code skb->len}. A stream parser that makes each
   * skb one message.
   */
  static final byte[] RETURN_SKB_LENGTH =
      program(
          insn(0x61, 0, 1, 0, 0), // BPF_LDX | BPF_MEM | BPF_W: r0 = *(u32 *)(r1 + 0)
          insn(0x95, 0, 0, 0, 0)); // BPF_JMP | BPF_EXIT

  private final String prefix;

  KernelFeatures(String prefix) {
    this.prefix = prefix;
  }

  /** Probes that name their objects {@value #NAME_PREFIX}{@code *}. */
  public static KernelFeatures probes() {
    return new KernelFeatures(NAME_PREFIX);
  }

  /**
   * What one probe found.
   *
   * @param supported whether the kernel did what the probe asked
   * @param errno the errno of the refusal, or 0 (also 0 for failures that were not a system call)
   * @param detail what was done and seen: object ids on success, the failed command, the advice and
   *     the raw errno text (and the verifier log, if any) on failure
   */
  public record Support(boolean supported, int errno, String detail) {

    static Support yes(String detail) {
      return new Support(true, 0, detail);
    }

    static Support no(BpfException e) {
      return new Support(false, e.errno(), e.getMessage());
    }

    static Support no(String detail) {
      return new Support(false, 0, detail);
    }
  }

  /**
   * Whether this process may use the {@code bpf()} system call at all: creates a one-entry ARRAY
   * map. ENOSYS means the kernel lacks {@code CONFIG_BPF_SYSCALL} or a seccomp filter blocks the
   * call; EPERM means the process lacks the capabilities (Linux 3.18+).
   */
  public Support bpfSyscall() {
    return probe(
        objects -> {
          int map = objects.map("arr", MAP_ARRAY, 4, 4);
          return "created an ARRAY map (map id " + Bpf.mapInfo(map).id() + ") and closed it";
        });
  }

  /** Whether a SOCKMAP can be created (Linux 4.14+, CAP_NET_ADMIN). */
  public Support sockmap() {
    return probe(
        objects -> {
          int map = objects.map("map", MAP_SOCKMAP, 4, 8);
          return "created a SOCKMAP (map id " + Bpf.mapInfo(map).id() + ") and closed it";
        });
  }

  /** Whether a SOCKHASH can be created (Linux 4.18+, CAP_NET_ADMIN). */
  public Support sockhash() {
    return probe(
        objects -> {
          int map = objects.map("hash", MAP_SOCKHASH, 4, 8);
          return "created a SOCKHASH (map id " + Bpf.mapInfo(map).id() + ") and closed it";
        });
  }

  /**
   * Whether SK_SKB programs load and attach to a SOCKMAP as stream parser and stream verdict, and
   * detach again (Linux 4.14+, {@code CONFIG_BPF_STREAM_PARSER}, CAP_BPF + CAP_NET_ADMIN).
   */
  public Support streamParserAndVerdict() {
    return probe(
        objects -> {
          int map = objects.map("map", MAP_SOCKMAP, 4, 8);
          int parser = objects.program("prs", PROG_SK_SKB, RETURN_SKB_LENGTH);
          int verdict = objects.program("vrd", PROG_SK_SKB, RETURN_PASS);
          attachAndDetach(map, parser, ATTACH_STREAM_PARSER, "stream parser");
          attachAndDetach(map, verdict, ATTACH_STREAM_VERDICT, "stream verdict");
          return "loaded SK_SKB parser and verdict (program ids "
              + Bpf.progInfo(parser).id()
              + ", "
              + Bpf.progInfo(verdict).id()
              + "), attached them to a SOCKMAP and detached them";
        });
  }

  /**
   * Whether an SK_SKB program attaches as {@code BPF_SK_SKB_VERDICT}, the verdict without a stream
   * parser that also serves UDP and AF_UNIX sockets (Linux 5.13+).
   */
  public Support skbVerdict() {
    return probe(
        objects -> {
          int map = objects.map("map", MAP_SOCKMAP, 4, 8);
          int verdict = objects.program("skv", PROG_SK_SKB, RETURN_PASS);
          attachAndDetach(map, verdict, ATTACH_SKB_VERDICT, "sk_skb verdict");
          return "loaded an SK_SKB program (program id "
              + Bpf.progInfo(verdict).id()
              + "), attached it as BPF_SK_SKB_VERDICT and detached it";
        });
  }

  /**
   * Whether an SK_MSG program loads and attaches to a SOCKMAP as {@code BPF_SK_MSG_VERDICT} (Linux
   * 4.17+, {@code CONFIG_NET_SOCK_MSG}).
   */
  public Support skMsg() {
    return probe(
        objects -> {
          int map = objects.map("map", MAP_SOCKMAP, 4, 8);
          int verdict = objects.program("msg", PROG_SK_MSG, RETURN_PASS);
          attachAndDetach(map, verdict, ATTACH_MSG_VERDICT, "sk_msg verdict");
          return "loaded an SK_MSG program (program id "
              + Bpf.progInfo(verdict).id()
              + "), attached it to a SOCKMAP and detached it";
        });
  }

  /**
   * Whether an SK_MSG verdict attaches to a SOCKMAP through a bpf_link ({@code BPF_LINK_CREATE}
   * with the map as target, Linux 6.10+). Without it, programs are attached with {@code
   * BPF_PROG_ATTACH}, which works as well but cannot be pinned as a link.
   */
  public Support sockmapLink() {
    return probe(
        objects -> {
          int map = objects.map("map", MAP_SOCKMAP, 4, 8);
          int verdict = objects.program("lnk", PROG_SK_MSG, RETURN_PASS);
          int link =
              objects.own(
                  BpfLinks.linkCreate("probe sk_msg link", verdict, map, ATTACH_MSG_VERDICT),
                  "probe link");
          return "created a bpf_link (link id "
              + BpfLinks.linkInfo(link).id()
              + ") attaching an SK_MSG program (program id "
              + Bpf.progInfo(verdict).id()
              + ") to a SOCKMAP, and closed it";
        });
  }

  /**
   * Whether the kernel takes BTF line info with a program ({@code BPF_BTF_LOAD}, then {@code
   * BPF_PROG_LOAD} with {@code line_info}, Linux 5.0+): what puts Java lines into verifier messages
   * and {@code bpftool prog dump xlated linum}.
   */
  public Support btfLineInfo() {
    return probe(
        objects -> {
          ProgramBtf debugInfo =
              ProgramBtf.of(
                  ProgramBtf.contextStruct(PROG_SOCKET_FILTER),
                  "Probe.java",
                  RETURN_PASS,
                  List.of(new ProgramBtf.Function("probe", 0)),
                  List.of(new ProgramBtf.Line(0, 1, 1, "return 1;")));
          int btf = objects.own(Bpf.btfLoad("probe", debugInfo.btf()), "probe BTF");
          int program =
              objects.program(
                  new ProgramImage(name("btf"), PROG_SOCKET_FILTER, 0, LICENSE, RETURN_PASS)
                      .withDebugInfo(btf, debugInfo));
          int records = Bpf.progLineInfoCount(program);
          if (records == 0) {
            throw new ProbeFailure("the program loaded, but the kernel kept no line info");
          }
          return "loaded a BTF blob and a program with "
              + records
              + " line-info record(s) (program id "
              + Bpf.progInfo(program).id()
              + ")";
        });
  }

  /**
   * Whether an established TCP connection on 127.0.0.1 goes into a SOCKMAP that has a passing
   * stream parser and verdict attached, and still carries bytes: both ends are inserted, the map
   * returns their {@code SO_COOKIE}s, and four bytes sent by one end arrive at the other (Linux
   * 4.14+). Takes a few milliseconds.
   *
   * <p>Reading the fd of a JDK socket channel needs {@code --add-opens
   * java.base/sun.nio.ch=ALL-UNNAMED}; without it this probe throws the {@link
   * SocketAccessException} that names the flag, since the answer would be about the JVM, not the
   * kernel.
   *
   * @throws SocketAccessException if the JVM forbids reading socket fds
   */
  public Support socketInsert() {
    return probe(
        objects -> {
          int map = objects.map("map", MAP_SOCKMAP, 4, 8, 2);
          int parser = objects.program("prs", PROG_SK_SKB, RETURN_SKB_LENGTH);
          int verdict = objects.program("vrd", PROG_SK_SKB, RETURN_PASS);
          Bpf.progAttach(name("prs") + " as stream parser", map, parser, ATTACH_STREAM_PARSER);
          Bpf.progAttach(name("vrd") + " as stream verdict", map, verdict, ATTACH_STREAM_VERDICT);
          try {
            return exchangeThroughMap(map);
          } catch (IOException e) {
            throw new ProbeFailure("a loopback TCP connection failed: " + e);
          }
        });
  }

  /**
   * Whether the kernel charges BPF memory to the memory cgroup rather than to {@code
   * RLIMIT_MEMLOCK} (Linux 5.11+): lowers this process's soft memlock limit to 0, creates a
   * one-entry ARRAY map, and restores the limit. Where the kernel still uses the rlimit, the map
   * creation fails with EPERM.
   *
   * <p>For the few microseconds the limit is 0, another thread of this process creating BPF objects
   * on a pre-5.11 kernel would fail the same way; on 5.11+ the limit does not matter to BPF. When
   * the map cannot be created even under the normal limit, the answer is "not supported" with that
   * refusal as the detail.
   */
  public Support memcgAccounting() {
    Support underNormalLimit = bpfSyscall();
    if (!underNormalLimit.supported()) {
      return underNormalLimit;
    }
    MemlockLimit saved;
    try {
      saved = MemlockLimit.current();
      new MemlockLimit(0, saved.hard()).apply();
    } catch (RuntimeException | LinkageError e) {
      return Support.no("could not lower RLIMIT_MEMLOCK to probe: " + e.getMessage());
    }
    Support atZero;
    try {
      atZero =
          probe(
              objects -> {
                objects.map("mem", MAP_ARRAY, 4, 4);
                return "created an ARRAY map with RLIMIT_MEMLOCK at 0: BPF memory is charged to"
                    + " the memory cgroup";
              });
    } finally {
      saved.apply();
    }
    if (!atZero.supported() && atZero.errno() == Errno.EPERM) {
      return new Support(
          false,
          Errno.EPERM,
          "with RLIMIT_MEMLOCK at 0 the kernel refused an ARRAY map that it created under the"
              + " normal limit: BPF memory is charged to RLIMIT_MEMLOCK");
    }
    return atZero;
  }

  /** The current {@code RLIMIT_MEMLOCK} of this process. */
  public static MemlockLimit memlockLimit() {
    return MemlockLimit.current();
  }

  private String exchangeThroughMap(int map) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open();
        SocketChannel client = SocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      client.connect(server.getLocalAddress());
      try (SocketChannel accepted = server.accept()) {
        int clientFd = JdkSocketFds.of(client);
        int acceptedFd = JdkSocketFds.of(accepted);
        insert(map, 0, clientFd);
        insert(map, 1, acceptedFd);
        long clientCookie = SocketOptions.cookie(clientFd);
        long acceptedCookie = SocketOptions.cookie(acceptedFd);
        long[] inMap = {cookieAt(map, 0), cookieAt(map, 1)};
        if (inMap[0] != clientCookie || inMap[1] != acceptedCookie) {
          throw new ProbeFailure(
              "the SOCKMAP holds cookies "
                  + inMap[0]
                  + ", "
                  + inMap[1]
                  + " where the inserted sockets have "
                  + clientCookie
                  + ", "
                  + acceptedCookie);
        }
        byte[] sent = "sm4j".getBytes(StandardCharsets.US_ASCII);
        client.write(ByteBuffer.wrap(sent));
        String received = receive(accepted, sent.length);
        if (!received.equals("sm4j")) {
          throw new ProbeFailure(
              "sent \"sm4j\" through sockets in the SOCKMAP, received \"" + received + "\"");
        }
        return "inserted both ends of a 127.0.0.1 TCP connection into a SOCKMAP with a passing"
            + " parser and verdict (the map returned their cookies) and sent 4 bytes through";
      }
    }
  }

  private void insert(int map, int key, int fd) {
    ByteBuffer value = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, fd);
    Bpf.mapUpdate(name("map") + " slot " + key, map, intBytes(key), value.array(), 0);
  }

  private long cookieAt(int map, int key) {
    byte[] value = Bpf.mapLookup(name("map") + " slot " + key, map, intBytes(key), 8);
    if (value == null) {
      throw new ProbeFailure("the SOCKMAP lost the socket at slot " + key + " right after insert");
    }
    return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong();
  }

  private static String receive(SocketChannel channel, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    channel.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      long deadline = System.nanoTime() + EXCHANGE_TIMEOUT_MILLIS * 1_000_000L;
      while (buffer.hasRemaining()) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          break;
        }
        selector.select(left);
        selector.selectedKeys().clear();
        if (channel.read(buffer) < 0) {
          break;
        }
      }
    }
    if (buffer.hasRemaining()) {
      throw new ProbeFailure(
          "sent 4 bytes through sockets in the SOCKMAP; "
              + buffer.position()
              + " arrived within "
              + EXCHANGE_TIMEOUT_MILLIS
              + " ms");
    }
    return new String(buffer.array(), StandardCharsets.US_ASCII);
  }

  private void attachAndDetach(int map, int program, int attachType, String as) {
    String subject = "probe program as " + as;
    Bpf.progAttach(subject, map, program, attachType);
    Bpf.progDetach(subject, map, program, attachType);
  }

  private String name(String suffix) {
    return ObjectNames.sanitize(prefix + suffix);
  }

  /**
   * Runs {@code body} with fresh probe objects, closes them, and turns the outcome into a value.
   */
  private Support probe(ProbeBody body) {
    try (ProbeObjects objects = new ProbeObjects()) {
      return Support.yes(body.run(objects));
    } catch (BpfException e) {
      return Support.no(e);
    } catch (ProbeFailure e) {
      return Support.no(e.getMessage());
    } catch (UnsupportedOperationException | LinkageError e) {
      return Support.no("the bpf() system call could not be made: " + e.getMessage());
    }
  }

  @FunctionalInterface
  private interface ProbeBody {
    String run(ProbeObjects objects);
  }

  /** A probe's outcome that is not a failed system call: lost bytes, a wrong cookie. */
  private static final class ProbeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProbeFailure(String message) {
      super(message);
    }
  }

  /** The maps and programs of one probe, closed in reverse order of creation. */
  private final class ProbeObjects implements AutoCloseable {
    private final Deque<OwnedFd> owned = new ArrayDeque<>();

    int map(String suffix, int type, int keySize, int valueSize) {
      return map(suffix, type, keySize, valueSize, 1);
    }

    int map(String suffix, int type, int keySize, int valueSize, int maxEntries) {
      String name = name(suffix);
      return own(Bpf.mapCreate(name, type, keySize, valueSize, maxEntries, 0), "probe map " + name);
    }

    int program(String suffix, int progType, byte[] insns) {
      return program(new ProgramImage(name(suffix), progType, 0, LICENSE, insns));
    }

    int program(ProgramImage image) {
      int fd;
      try {
        fd = Bpf.progLoad(image);
      } catch (BpfException e) {
        throw withVerifierLog(image, e);
      }
      return own(fd, "probe program " + image.name());
    }

    private int own(int fd, String description) {
      OwnedFd fdOwner = new OwnedFd(fd, description);
      owned.push(fdOwner);
      return fdOwner.acquire();
    }

    @Override
    public void close() {
      while (!owned.isEmpty()) {
        OwnedFd fd = owned.pop();
        fd.close();
        fd.release();
      }
    }
  }

  /** Loads {@code image} again with the verifier log on, to add the log to the failure. */
  private static BpfException withVerifierLog(ProgramImage image, BpfException failure) {
    LoggedLoad logged = Bpf.progLoadLogged(image, LOG_SIZE);
    if (logged.succeeded()) {
      new OwnedFd(logged.fd(), "probe program").close();
    }
    String log = logged.log().strip();
    if (log.isEmpty()) {
      return failure;
    }
    String advice = FailureAdvice.of(BpfCommand.PROG_LOAD, failure.errno());
    String logText = "verifier log: " + log.replace('\n', ' ');
    return new BpfException(
        failure.operation(),
        failure.errno(),
        advice == null ? logText : advice + "; " + logText,
        failure);
  }

  private static byte[] intBytes(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
  }

  private static byte[] program(byte[]... insns) {
    ByteBuffer out = ByteBuffer.allocate(insns.length * 8);
    for (byte[] insn : insns) {
      out.put(insn);
    }
    return out.array();
  }

  /** One {@code struct bpf_insn} (see the layout in the class comment). */
  private static byte[] insn(int code, int dst, int src, int off, int imm) {
    return ByteBuffer.allocate(8)
        .order(ByteOrder.nativeOrder())
        .put((byte) code)
        .put((byte) ((src << 4) | dst))
        .putShort((short) off)
        .putInt(imm)
        .array();
  }
}
