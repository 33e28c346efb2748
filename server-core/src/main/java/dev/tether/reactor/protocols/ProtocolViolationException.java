package dev.tether.reactor.protocols;

/**
 * What a peer sent breaks the protocol or one of its limits: a header line or message too long,
 * too many headers, a malformed or repeated Content-Length, a message that does not parse. The
 * message names the offending value and the limit, e.g. "Content-Length 2000000 exceeds 1048576".
 */
public class ProtocolViolationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With {@code message} naming what was wrong. */
  public ProtocolViolationException(String message) {
    super(message);
  }

  /** With {@code message} naming what was wrong, and the parser's own exception. */
  public ProtocolViolationException(String message, Throwable cause) {
    super(message, cause);
  }
}
