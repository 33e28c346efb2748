package dev.tether.channel;

/**
 * A read on a channel that lost its place in the stream: an earlier read met input after which
 * the reader cannot tell where the next unit starts (a scalar above the maximum, a broken fd
 * header, fds that did not come, a stream that ended inside a unit). Reading on would take
 * payload bytes for frames, so every later read throws this, with the first error as its cause.
 * Close the channel.
 */
public class ChannelBrokenException extends ChannelException {
  private static final long serialVersionUID = 1L;

  public ChannelBrokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
