package dev.tether.channel;

/**
 * A message element that cannot be framed: it contains a NUL byte, or a String with an unpaired
 * surrogate. Thrown by writers before anything is written.
 */
public class InvalidElementException extends ChannelException {
  private static final long serialVersionUID = 1L;

  public InvalidElementException(String message) {
    super(message);
  }

  public InvalidElementException(String message, Throwable cause) {
    super(message, cause);
  }
}
