package dev.tether.channel;

/**
 * A failure to pass file descriptors: a negotiation that went off script, a message that promised
 * fds and came without them, fds that came without a message, or too many fds for one message. Any
 * fd involved has been closed by the channel before this is thrown.
 */
public class FdPassingException extends ChannelException {
  private static final long serialVersionUID = 1L;

  public FdPassingException(String message) {
    super(message);
  }

  public FdPassingException(String message, Throwable cause) {
    super(message, cause);
  }
}
