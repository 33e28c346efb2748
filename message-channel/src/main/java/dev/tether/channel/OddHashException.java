package dev.tether.channel;

/**
 * A hash frame with an odd number of elements (a key without its value).
 */
public class OddHashException extends MalformedFrameException {
  private static final long serialVersionUID = 1L;

  public OddHashException(String message) {
    super(message);
  }

  public OddHashException(String message, Throwable cause) {
    super(message, cause);
  }
}
