package dev.tether.channel;

/**
 * A scalar whose announced length exceeds the reader's maximum. Refused from its header, before its
 * body is read or any memory is allocated for it; the stream is then out of step, so every later
 * read of the channel throws {@link ChannelBrokenException}: close it.
 */
public class ScalarTooLargeException extends MalformedFrameException {
  private static final long serialVersionUID = 1L;

  public ScalarTooLargeException(String message) {
    super(message);
  }

  public ScalarTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }
}
