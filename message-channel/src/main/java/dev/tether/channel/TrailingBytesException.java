package dev.tether.channel;

/**
 * A message body with bytes after its last NUL terminator (Passenger ignores them; Tether refuses
 * them because they mean the peer and we disagree on the format).
 */
public class TrailingBytesException extends MalformedFrameException {
  private static final long serialVersionUID = 1L;

  public TrailingBytesException(String message) {
    super(message);
  }

  public TrailingBytesException(String message, Throwable cause) {
    super(message, cause);
  }
}
