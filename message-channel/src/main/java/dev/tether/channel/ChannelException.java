package dev.tether.channel;

/**
 * Root of every exception that Tether's message channel throws. Unchecked: a malformed peer or a
 * broken socket is not something a caller can usually recover from at the call site, and a single
 * root lets the caller that can ({@code catch (ChannelException e)}) do so in one place.
 *
 * <p>Messages name the offending value and the limit it broke, in the style
 * {@code "message body is 70000 bytes (expected: <= 65535)"}.
 */
public class ChannelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ChannelException(String message) {
    super(message);
  }

  public ChannelException(String message, Throwable cause) {
    super(message, cause);
  }
}
