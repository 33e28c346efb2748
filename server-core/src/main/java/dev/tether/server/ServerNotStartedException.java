package dev.tether.server;

/**
 * A supervisor-side operation that needs a running worker ({@code stop()}, {@code server()},
 * {@code serverPid()}, {@code call(..)}, {@code sendSignal(..)}) was called on a server that was
 * never started or has been stopped; or a worker-side accessor ({@code client()},
 * {@code reactor()}) outside the worker's main loop.
 */
public final class ServerNotStartedException extends TetherException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public ServerNotStartedException(String message) {
    super(message);
  }
}
