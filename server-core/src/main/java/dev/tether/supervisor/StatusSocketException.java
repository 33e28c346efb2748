package dev.tether.supervisor;

import dev.tether.server.TetherException;

/**
 * A {@link StatusServer} cannot listen safely: its directory is not private to this user (owner,
 * mode), is not a directory, or another server already answers on its socket. The message names
 * the path, what was found and what was expected.
 */
public final class StatusSocketException extends TetherException {
  private static final long serialVersionUID = 1L;

  /** An exception whose message names the path, the value found and the one expected. */
  public StatusSocketException(String message) {
    super(message);
  }

  /** As {@link #StatusSocketException(String)}, with the underlying cause. */
  public StatusSocketException(String message, Throwable cause) {
    super(message, cause);
  }
}
