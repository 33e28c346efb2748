package dev.tether.reactor.protocols;

/**
 * A response that {@link HttpClient} refused: malformed (the message names the offending bytes)
 * or past a configured limit (the message names the limit and the size seen). The connection it
 * came on is closed.
 */
public class HttpResponseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public HttpResponseException(String message) {
    super(message);
  }
}
