package dev.tether.server;

import java.util.List;

/**
 * The worker answered {@link AbstractServer#call} with an error reply instead of a result:
 * {@code ["error", "unknown message", name]} or
 * {@code ["error", "handler failed", name, "<exception class>: <message>"]} (see
 * {@link AbstractServer}). The worker is still running.
 */
public final class ErrorReplyException extends TetherException {
  private static final long serialVersionUID = 1L;

  private final List<String> reply;

  /** Creates the exception for {@code reply}, the worker's answer to message {@code name}. */
  public ErrorReplyException(String serverClass, String name, List<String> reply) {
    super("server " + serverClass + " answered '" + name + "' with " + reply);
    this.reply = List.copyOf(reply);
  }

  /** The whole error reply, {@code "error"} first. */
  public List<String> reply() {
    return reply;
  }
}
