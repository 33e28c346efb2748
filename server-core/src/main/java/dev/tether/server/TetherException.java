package dev.tether.server;

/**
 * Root of the unchecked exceptions thrown by {@code dev.tether.server}: spawning, reaping and
 * signalling worker processes, and the native calls underneath.
 *
 * <p>Catch this type to handle every server-side failure at once; subclasses name the condition.
 */
public class TetherException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that names the value or call and its limit or errno. */
  public TetherException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the underlying cause. */
  public TetherException(String message, Throwable cause) {
    super(message, cause);
  }
}
