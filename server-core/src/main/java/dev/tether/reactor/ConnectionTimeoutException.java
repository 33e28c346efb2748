package dev.tether.reactor;

/**
 * A connection was closed by the reactor because a deadline passed: a connect that did not
 * complete in its pending-connect timeout, or no traffic for its inactivity timeout. Reported as
 * the connection's {@link Connection#closeReason()}.
 */
public class ConnectionTimeoutException extends ReactorException {
  private static final long serialVersionUID = 1L;

  public ConnectionTimeoutException(String message) {
    super(message);
  }
}
