package dev.tether.channel;

/**
 * A message whose name (element 0) starts with U+0001: such names are reserved for Tether's own
 * frames, such as the fd header {@code ["\u0001fds", count, name, args...]}, which a reader would
 * take this message for. Thrown by writers before anything is written.
 */
public class ReservedNameException extends InvalidElementException {
  private static final long serialVersionUID = 1L;

  public ReservedNameException(String message) {
    super(message);
  }

  public ReservedNameException(String message, Throwable cause) {
    super(message, cause);
  }
}
