package dev.tether.reactor.protocols;

/**
 * A memcached request that failed: the server answered {@code ERROR}, {@code CLIENT_ERROR} or
 * {@code SERVER_ERROR} (the message quotes it), its reply was malformed or past the value limit,
 * or the connection closed before the reply.
 */
public class MemcacheException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public MemcacheException(String message) {
    super(message);
  }

  /** An exception with {@code message} and {@code cause}. */
  public MemcacheException(String message, Throwable cause) {
    super(message, cause);
  }
}
