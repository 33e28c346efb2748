package dev.tether.channel;

/**
 * File descriptors arrived that no message announced, or a message carrying fds was read with a
 * method that cannot return them. The fds have been closed.
 */
public class UnexpectedFdsException extends FdPassingException {
  private static final long serialVersionUID = 1L;

  public UnexpectedFdsException(String message) {
    super(message);
  }
}
