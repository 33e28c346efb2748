package dev.tether.channel;

/**
 * A message whose body would exceed 65535 bytes. Thrown by writers before anything is written.
 */
public class FrameTooLargeException extends ChannelException {
  private static final long serialVersionUID = 1L;

  public FrameTooLargeException(String message) {
    super(message);
  }

  public FrameTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }
}
