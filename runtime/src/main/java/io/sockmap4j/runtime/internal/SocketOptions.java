package io.sockmap4j.runtime.internal;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.sockmap4j.runtime.BpfException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/** The socket options the runtime reads and writes on plain int file descriptors. */
public final class SocketOptions {
  private static final long SIOCOUTQ = 0x5411; // = TIOCOUTQ, asm-generic/ioctls.h

  private static final int SOL_SOCKET = 1;
  private static final int IPPROTO_TCP = 6;
  private static final int SO_TYPE = 3;
  private static final int SO_ACCEPTCONN = 30;
  private static final int SO_RCVLOWAT = 18;
  private static final int SO_PROTOCOL = 38;
  private static final int SO_DOMAIN = 39;
  private static final int SO_COOKIE = 57;
  private static final int SO_ERROR = 4;
  private static final int TCP_INFO = 11;

  /** {@code sizeof(struct sockaddr_storage)}. */
  private static final int SOCKADDR_SIZE = 128;

  /** The names of {@code tcpi_state} values, by number ({@code include/net/tcp_states.h}). */
  private static final String[] TCP_STATES = {
    "UNKNOWN(0)",
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RECV",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "TIME_WAIT",
    "CLOSE",
    "CLOSE_WAIT",
    "LAST_ACK",
    "LISTEN",
    "CLOSING",
    "NEW_SYN_RECV",
  };

  private SocketOptions() {}

  /** {@code SO_COOKIE}: the socket's 64-bit cookie, unique for the kernel's uptime. */
  public static long cookie(int fd) {
    return get(fd, SOL_SOCKET, SO_COOKIE, Long.BYTES, "SO_COOKIE").getLong(0);
  }

  /**
   * Re-runs the socket's data-ready callback by writing {@code SO_RCVLOWAT}. For TCP, {@code
   * tcp_set_rcvlowat()} calls {@code tcp_data_ready()}, which calls {@code sk->sk_data_ready()}
   * when at least {@code SO_RCVLOWAT} bytes are queued: for a socket in a sockmap that is the
   * psock's parser/verdict callback, so bytes queued before the socket joined the map are processed
   * now. The value is lowered to 1 for the call (so any queued byte counts) and then restored.
   * Other socket kinds only store the value.
   */
  public static void rerunDataReady(int fd) {
    if (JdkOptions.AVAILABLE && JdkOptions.rerunDataReady(fd)) {
      return;
    }
    rerunDataReadyThroughJna(fd);
  }

  /**
   * {@link #rerunDataReady} through JNA, which reports the errno of a failure. Used when the JDK's
   * natives are not accessible, and to repeat a kick they failed.
   */
  static void rerunDataReadyThroughJna(int fd) {
    int lowat = receiveLowWatermark(fd);
    setReceiveLowWatermark(fd, 1);
    if (lowat != 1) {
      setReceiveLowWatermark(fd, lowat);
    }
  }

  /**
   * {@code SO_RCVLOWAT} through the JDK's own socket-option natives ({@code sun.nio.ch.Net}), for
   * the kick of every socket insert. They are plain JNI functions that call {@code getsockopt} and
   * {@code setsockopt}, and cost about 0.1 µs less per call than a JNA call (JNA dispatches each
   * call through two libffi steps), which is a third of the kick's overhead over C.
   *
   * <p>Usable only when {@code java.base} opens {@code sun.nio.ch} to this code, the flag that
   * reading a channel's fd needs anyway; otherwise {@link #AVAILABLE} is false and the kick goes
   * through JNA. The JDK reports a failure as an {@link IOException} without the errno, so a failed
   * kick is repeated through JNA, which fails the same way and reports it.
   */
  static final class JdkOptions {
    private static final MethodHandle NEW_FD;
    private static final MethodHandle GET_INT;
    private static final MethodHandle SET_INT;

    /** Whether the JDK's natives were found and are accessible. */
    static final boolean AVAILABLE;

    static {
      MethodHandle newFd = null;
      MethodHandle getInt = null;
      MethodHandle setInt = null;
      try {
        Class<?> net = Class.forName("sun.nio.ch.Net");
        Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
        MethodHandles.Lookup netLookup = MethodHandles.privateLookupIn(net, MethodHandles.lookup());
        // IOUtil.newFD(int): a FileDescriptor holding the number, with no cleaner that closes it.
        newFd =
            MethodHandles.privateLookupIn(ioUtil, MethodHandles.lookup())
                .findStatic(
                    ioUtil, "newFD", MethodType.methodType(FileDescriptor.class, int.class));
        // Net.getIntOption0(fd, mayNeedConversion, level, name): getsockopt of an int.
        getInt =
            netLookup.findStatic(
                net,
                "getIntOption0",
                MethodType.methodType(
                    int.class, FileDescriptor.class, boolean.class, int.class, int.class));
        // Net.setIntOption0(fd, mayNeedConversion, level, name, value, isIPv6): setsockopt.
        setInt =
            netLookup.findStatic(
                net,
                "setIntOption0",
                MethodType.methodType(
                    void.class,
                    FileDescriptor.class,
                    boolean.class,
                    int.class,
                    int.class,
                    int.class,
                    boolean.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        // Not opened (IllegalAccessException), or a JDK with other internals: JNA does the kick.
        newFd = null;
      }
      AVAILABLE = newFd != null;
      NEW_FD = newFd;
      GET_INT = getInt;
      SET_INT = setInt;
    }

    private JdkOptions() {}

    /**
     * {@link #rerunDataReady} through the JDK: {@code false} if a call failed (the caller repeats
     * the kick through JNA to learn why).
     */
    static boolean rerunDataReady(int fd) {
      try {
        FileDescriptor descriptor = (FileDescriptor) NEW_FD.invokeExact(fd);
        int lowat = (int) GET_INT.invokeExact(descriptor, false, SOL_SOCKET, SO_RCVLOWAT);
        SET_INT.invokeExact(descriptor, false, SOL_SOCKET, SO_RCVLOWAT, 1, false);
        if (lowat != 1) {
          SET_INT.invokeExact(descriptor, false, SOL_SOCKET, SO_RCVLOWAT, lowat, false);
        }
        return true;
      } catch (IOException e) {
        return false;
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("sun.nio.ch.Net failed unexpectedly", e);
      }
    }
  }

  /** {@code SO_RCVLOWAT}: the bytes that must be queued before the socket reads as readable. */
  public static int receiveLowWatermark(int fd) {
    return getInt(fd, SOL_SOCKET, SO_RCVLOWAT, "SO_RCVLOWAT");
  }

  /** Sets {@code SO_RCVLOWAT} (TCP caps it at half the receive buffer). */
  public static void setReceiveLowWatermark(int fd, int bytes) {
    setInt(fd, SOL_SOCKET, SO_RCVLOWAT, bytes, "SO_RCVLOWAT");
  }

  /**
   * The state of the socket behind {@code fd}, phrased to follow "fd N is": {@code "a TCP/IPv4
   * socket in state CLOSE"}, {@code "a UDP/IPv6 socket, not bound"}, or why it could not be read.
   * Never throws.
   */
  public static String describe(int fd) {
    try {
      return state(fd).describe();
    } catch (BpfException e) {
      return "a descriptor whose socket state could not be read (" + e.errnoName() + ")";
    }
  }

  /**
   * Reads the socket's family, type, protocol, TCP state, and whether it is listening, bound and
   * connected.
   *
   * @throws BpfException if {@code fd} is not an open socket (EBADF, ENOTSOCK)
   */
  public static SocketState state(int fd) {
    int domain = getInt(fd, SOL_SOCKET, SO_DOMAIN, "SO_DOMAIN");
    int type = getInt(fd, SOL_SOCKET, SO_TYPE, "SO_TYPE");
    int protocol = getInt(fd, SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL");
    boolean tcp =
        (domain == SocketState.AF_INET || domain == SocketState.AF_INET6)
            && protocol == IPPROTO_TCP;
    int tcpState = tcp ? tcpState(fd) : -1;
    boolean listening = getInt(fd, SOL_SOCKET, SO_ACCEPTCONN, "SO_ACCEPTCONN") != 0;
    return new SocketState(
        domain, type, protocol, tcpState, listening, isBound(fd, domain), isConnected(fd));
  }

  /** A UNIX socket is bound when its name is longer than the family field; an IP one has a port. */
  private static boolean isBound(int fd, int domain) {
    Memory address = new Memory(SOCKADDR_SIZE);
    address.clear();
    IntByReference length = new IntByReference(SOCKADDR_SIZE);
    if (Names.INSTANCE.getsockname(fd, address, length) < 0) {
      return false;
    }
    if (domain == SocketState.AF_UNIX) {
      return length.getValue() > Short.BYTES;
    }
    return address.getShort(2) != 0;
  }

  private static boolean isConnected(int fd) {
    Memory address = new Memory(SOCKADDR_SIZE);
    IntByReference length = new IntByReference(SOCKADDR_SIZE);
    return Names.INSTANCE.getpeername(fd, address, length) == 0;
  }

  /** The socket-name calls, which only this class needs. */
  private interface Names extends Library {
    Names INSTANCE = Native.load("c", Names.class);

    int getsockname(int fd, Pointer address, IntByReference length);

    int getpeername(int fd, Pointer address, IntByReference length);
  }

  /**
   * {@code tcpi_bytes_acked} (offset 120 of {@code struct tcp_info}, Linux 4.1): bytes this socket
   * sent that its peer acknowledged.
   */
  public static long bytesAcked(int fd) {
    return get(fd, IPPROTO_TCP, TCP_INFO, 136, "TCP_INFO").getLong(120);
  }

  /**
   * {@code tcpi_bytes_received} (offset 128 of {@code struct tcp_info}, Linux 4.1): payload bytes
   * this socket received.
   */
  public static long bytesReceived(int fd) {
    return get(fd, IPPROTO_TCP, TCP_INFO, 136, "TCP_INFO").getLong(128);
  }

  /** {@code TCP_CLOSE}: the connection is over (reset, or closed both ways). */
  public static final int TCP_CLOSE = 7;

  /** Whether the TCP state shows the peer's FIN or a dead connection. */
  public static boolean peerClosed(int fd) {
    switch (tcpState(fd)) {
      case 6: // TIME_WAIT
      case 7: // CLOSE
      case 8: // CLOSE_WAIT
      case 9: // LAST_ACK
      case 11: // CLOSING
        return true;
      default:
        return false;
    }
  }

  /**
   * {@code SO_ERROR}: the error pending on the socket, as a positive errno, or 0. Reading it clears
   * it, as {@code getsockopt} does.
   */
  public static int pendingError(int fd) {
    return getInt(fd, SOL_SOCKET, SO_ERROR, "SO_ERROR");
  }

  /** {@code tcpi_state}, the first byte of {@code struct tcp_info}. */
  public static int tcpState(int fd) {
    return get(fd, IPPROTO_TCP, TCP_INFO, 8, "TCP_INFO").get(0) & 0xff;
  }

  /** The kernel's name for a TCP state number, such as {@code ESTABLISHED} or {@code LISTEN}. */
  public static String tcpStateName(int state) {
    return state >= 0 && state < TCP_STATES.length ? TCP_STATES[state] : "UNKNOWN(" + state + ")";
  }

  /**
   * Bytes written to the socket that TCP has not yet had acknowledged ({@code SIOCOUTQ}), which
   * includes bytes a sockmap redirect has handed to this socket for sending.
   */
  public static int unsentBytes(int fd) {
    IntByReference value = new IntByReference();
    int result = LibC.INSTANCE.ioctl(fd, SIOCOUTQ, value);
    int errno = result < 0 ? Native.getLastError() : 0;
    if (result < 0) {
      throw failure("ioctl SIOCOUTQ", fd, errno);
    }
    return value.getValue();
  }

  private static int getInt(int fd, int level, int name, String optionName) {
    Scratch scratch = Scratch.get();
    Memory value = scratch.option();
    Memory length = scratch.optionLength(Integer.BYTES);
    int result =
        Syscalls.getsockopt(
            fd, level, name, Pointer.nativeValue(value), Pointer.nativeValue(length));
    if (result < 0) {
      throw failure("getsockopt " + optionName, fd, Native.getLastError());
    }
    return scratch.optionInt();
  }

  private static void setInt(int fd, int level, int name, int value, String optionName) {
    Memory buffer = Scratch.get().option(value);
    int result = Syscalls.setsockopt(fd, level, name, Pointer.nativeValue(buffer), Integer.BYTES);
    if (result < 0) {
      throw failure("setsockopt " + optionName, fd, Native.getLastError());
    }
  }

  /**
   * Reads an option of at most {@code size} bytes into this thread's scratch buffer (no allocation:
   * end-of-stream drains poll {@code TCP_INFO} often). Options such as {@code TCP_INFO} are longer
   * than the prefix read here; the kernel then copies only {@code size} bytes. The returned view is
   * valid until this thread's next socket call.
   */
  private static ByteBuffer get(int fd, int level, int name, int size, String optionName) {
    Scratch scratch = Scratch.get();
    Memory value = scratch.optionOut(size);
    Memory length = scratch.optionLength(size);
    int result =
        Syscalls.getsockopt(
            fd, level, name, Pointer.nativeValue(value), Pointer.nativeValue(length));
    if (result < 0) {
      throw failure("getsockopt " + optionName, fd, Native.getLastError());
    }
    return scratch.optionView();
  }

  private static BpfException failure(String operation, int fd, int errno) {
    String advice = null;
    if (errno == Errno.EBADF) {
      advice = "fd " + fd + " is not open";
    } else if (errno == Errno.ENOTSOCK) {
      advice = "fd " + fd + " is not a socket";
    }
    return new BpfException(operation + " on fd " + fd, errno, advice);
  }
}
