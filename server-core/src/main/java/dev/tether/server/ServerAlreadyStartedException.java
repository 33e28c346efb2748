package dev.tether.server;

/**
 * {@link AbstractServer#start()} was called on a server whose worker is still running (stop it
 * first), or {@link AbstractServer#startSynchronously} on one that is already serving. The message
 * names the class and the running worker's pid.
 */
public final class ServerAlreadyStartedException extends TetherException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public ServerAlreadyStartedException(String message) {
    super(message);
  }
}
