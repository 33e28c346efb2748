package dev.tether.channel;

/**
 * An I/O error of the underlying socket, wrapped so that the channel's API stays unchecked. The
 * cause is the original {@link java.io.IOException}.
 */
public class ChannelIOException extends ChannelException {
  private static final long serialVersionUID = 1L;

  public ChannelIOException(String message) {
    super(message);
  }

  public ChannelIOException(String message, Throwable cause) {
    super(message, cause);
  }
}
