package dev.tether.channel;

/**
 * The peer closed the stream in the middle of a unit. The message names how many bytes the unit
 * promised and how many came; the channel is at end of stream afterwards.
 */
public class TruncatedFrameException extends MalformedFrameException {
  private static final long serialVersionUID = 1L;

  public TruncatedFrameException(String message) {
    super(message);
  }

  public TruncatedFrameException(String message, Throwable cause) {
    super(message, cause);
  }
}
