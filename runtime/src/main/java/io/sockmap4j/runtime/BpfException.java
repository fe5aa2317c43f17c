package io.sockmap4j.runtime;

import io.sockmap4j.runtime.internal.Errno;

/**
 * A system call made for sockmap4j failed: a {@code bpf()} command, or a socket option call on a
 * socket being put into a map.
 *
 * <p>The message starts with the operation and the cause a user can act on (missing capabilities, a
 * socket that is not connected, a kernel without sockmap support) and ends with the raw facts:
 * {@code (errno 1 EPERM: Operation not permitted)}. The same facts are available from {@link
 * #errno()}, {@link #errnoName()} and {@link #operation()}.
 */
public class BpfException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int errno;

  /**
   * Creates an exception for {@code operation} failing with {@code errno}.
   *
   * @param operation what was attempted, for example {@code "BPF_MAP_CREATE sockets"}
   * @param errno the positive errno value
   * @param advice the cause a user can act on, or {@code null} when the errno says it all
   */
  public BpfException(String operation, int errno, String advice) {
    this(operation, errno, advice, null);
  }

  /** Like {@link #BpfException(String, int, String)}, with the exception that led to this one. */
  public BpfException(String operation, int errno, String advice, Throwable cause) {
    this(compose(operation, errno, advice), cause, operation, errno);
  }

  /** For subclasses that compose their own message; the message should end with the raw facts. */
  BpfException(String message, Throwable cause, String operation, int errno) {
    super(message, cause);
    this.operation = operation;
    this.errno = errno;
  }

  /** What was attempted, for example {@code "BPF_PROG_LOAD verdict"}. */
  public String operation() {
    return operation;
  }

  /** The positive errno value the kernel returned. */
  public int errno() {
    return errno;
  }

  /** The symbolic errno name, such as {@code EPERM} or {@code EOPNOTSUPP}. */
  public String errnoName() {
    return Errno.name(errno);
  }

  /** The trailing {@code (errno N NAME: text)} part of a message. */
  static String rawFacts(int errno) {
    return "(errno " + errno + " " + Errno.name(errno) + ": " + Errno.describe(errno) + ")";
  }

  private static String compose(String operation, int errno, String advice) {
    String cause = advice == null ? "" : advice + " ";
    return operation + " failed: " + cause + rawFacts(errno);
  }
}
