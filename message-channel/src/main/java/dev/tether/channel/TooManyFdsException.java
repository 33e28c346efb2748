package dev.tether.channel;

/**
 * More file descriptors for one message than the channel can carry (see
 * {@link dev.tether.channel.codec.WireFormat#MAX_FDS_PER_MESSAGE}). Thrown before anything is sent.
 */
public class TooManyFdsException extends FdPassingException {
  private static final long serialVersionUID = 1L;

  public TooManyFdsException(String message) {
    super(message);
  }
}
