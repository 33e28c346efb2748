package dev.tether.channel;

/**
 * Bytes read from the peer that do not form a valid unit of the wire format. The frame in error has
 * been consumed, so a channel that threw one of the subclasses stays in step with the stream except
 * where the subclass says otherwise.
 */
public class MalformedFrameException extends ChannelException {
  private static final long serialVersionUID = 1L;

  public MalformedFrameException(String message) {
    super(message);
  }

  public MalformedFrameException(String message, Throwable cause) {
    super(message, cause);
  }
}
