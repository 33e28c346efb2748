package dev.tether.reactor.protocols;

/** A SOCKS4 proxy refused the connect (the message gives its reply code) or broke the protocol. */
public class Socks4Exception extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public Socks4Exception(String message) {
    super(message);
  }
}
