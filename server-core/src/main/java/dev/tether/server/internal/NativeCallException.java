package dev.tether.server.internal;

import dev.tether.server.TetherException;

/**
 * A glibc call failed. The message names the call and the errno with its text, e.g.
 * {@code close(..) failed with error(9): Bad file descriptor}.
 */
public final class NativeCallException extends TetherException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final int errno;

  NativeCallException(String call, int errno, String description) {
    super(call + "(..) failed with error(" + errno + "): " + description);
    this.call = call;
    this.errno = errno;
  }

  /** The name of the failing function, e.g. {@code posix_spawnp}. */
  public String call() {
    return call;
  }

  /** The error number (ENOENT = 2, EBADF = 9, ...). */
  public int errno() {
    return errno;
  }
}
