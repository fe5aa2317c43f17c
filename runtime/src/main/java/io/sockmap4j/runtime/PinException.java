package io.sockmap4j.runtime;

import java.nio.file.Path;

/**
 * Pinned objects could not be created or reopened: a pin already exists (nothing was created and
 * nothing overwritten), a pin is missing or holds something of another shape, or the directory is
 * not in a bpffs mount. The message names the path and what to do.
 */
public class PinException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Path path;

  /** Creates the exception for {@code path}. */
  public PinException(Path path, String message) {
    this(path, message, null);
  }

  /** Creates the exception for {@code path}, with its cause. */
  public PinException(Path path, String message, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** The path the problem is about. */
  public Path path() {
    return path;
  }
}
