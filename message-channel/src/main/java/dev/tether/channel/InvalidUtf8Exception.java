package dev.tether.channel;

/**
 * A message element that is not valid UTF-8 where a {@code String} was asked for. Peers that send
 * binary elements can be read with the byte-level methods instead.
 */
public class InvalidUtf8Exception extends MalformedFrameException {
  private static final long serialVersionUID = 1L;

  public InvalidUtf8Exception(String message) {
    super(message);
  }

  public InvalidUtf8Exception(String message, Throwable cause) {
    super(message, cause);
  }
}
