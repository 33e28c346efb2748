package dev.tether.channel;

/**
 * A message (or a negotiated send) that promised file descriptors arrived without them, or with
 * fewer than it promised.
 */
public class MissingFdsException extends FdPassingException {
  private static final long serialVersionUID = 1L;

  public MissingFdsException(String message) {
    super(message);
  }
}
