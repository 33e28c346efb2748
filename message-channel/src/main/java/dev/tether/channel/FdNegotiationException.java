package dev.tether.channel;

/**
 * Passenger's "pass IO" / "got IO" negotiation went off script: the peer sent another message
 * where one of those was expected.
 */
public class FdNegotiationException extends FdPassingException {
  private static final long serialVersionUID = 1L;

  public FdNegotiationException(String message) {
    super(message);
  }
}
