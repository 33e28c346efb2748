package dev.tether.server;

/**
 * {@link AbstractServer#call} on a server whose channel the supervisor closed because it could no
 * longer be trusted: an earlier call timed out after its request was written (the cause is that
 * {@link CallTimeoutException}). Nothing was written. {@link AbstractServer#stop()} the server, or
 * {@link AbstractServer#start()} it again once the worker has exited (it sees end of stream and
 * normally exits on its own).
 */
public final class ServerBrokenException extends TetherException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for a call of {@code messageName}, broken by {@code cause}. */
  public ServerBrokenException(String serverClass, int pid, String messageName,
      CallTimeoutException cause) {
    super("cannot send '" + messageName + "' to server " + serverClass + " (pid " + pid
        + "): its channel was closed after '" + cause.messageName() + "' got no reply within "
        + cause.timeout().toMillis() + " ms (expected: stop() or, once it exited, start())", cause);
  }
}
