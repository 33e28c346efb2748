package dev.tether.reactor;

/**
 * The application closed a connection and said why ({@link Connection#closeConnection(String)}):
 * reported as its {@link Connection#closeReason()}, with the reason as the message.
 */
public class ConnectionClosedException extends ReactorException {
  private static final long serialVersionUID = 1L;

  /** An exception whose message is {@code reason}, the application's words. */
  public ConnectionClosedException(String reason) {
    super(reason);
  }
}
