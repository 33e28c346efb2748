package dev.tether.channel;

/**
 * An operation on a channel that has been closed by this process.
 */
public class ChannelClosedException extends ChannelException {
  private static final long serialVersionUID = 1L;

  public ChannelClosedException(String message) {
    super(message);
  }

  public ChannelClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
