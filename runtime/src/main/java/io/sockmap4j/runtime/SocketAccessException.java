package io.sockmap4j.runtime;

/**
 * The file descriptor of a JDK socket could not be read because the JVM forbids reflective access
 * to JDK internals.
 *
 * <p>The message names the exact {@code --add-opens} flags to add to the {@code java} command line.
 * Code that already holds the int fd (Netty's epoll transport exposes it) can pass the fd instead
 * and needs no flag.
 */
public class SocketAccessException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; {@code message} should name the flags that fix it. */
  public SocketAccessException(String message, Throwable cause) {
    super(message, cause);
  }
}
