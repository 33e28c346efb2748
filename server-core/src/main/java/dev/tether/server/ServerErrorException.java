package dev.tether.server;

import dev.tether.reactor.ExitStatus;
import java.util.Optional;

/**
 * The worker went away while the supervisor was talking to it: its channel reached end of stream
 * or failed, usually because the process died. The message names the server class, the worker's
 * pid and, when the worker has been reaped by then, its {@link ExitStatus}, e.g.
 * {@code server dev.tether.it.FaultyServer (pid 4242) died with Exited[code=7] while waiting for
 * the reply to 'crash'}.
 */
public final class ServerErrorException extends TetherException {
  private static final long serialVersionUID = 1L;

  private final String serverClass;
  private final int pid;
  private final transient ExitStatus exitStatus;

  /**
   * Creates the exception.
   *
   * @param serverClass the worker's {@link AbstractServer} subclass
   * @param pid the worker's pid
   * @param exitStatus how it ended, or null if it had not been reaped yet
   * @param what what the supervisor was doing, e.g. "while waiting for the reply to 'hello'"
   * @param cause the channel failure, or null for a clean end of stream
   */
  public ServerErrorException(String serverClass, int pid, ExitStatus exitStatus, String what,
      Throwable cause) {
    super("server " + serverClass + " (pid " + pid + ") "
        + (exitStatus != null ? "died with " + exitStatus
            : "closed its channel but is still running")
        + " " + what + (cause != null ? ": " + cause.getMessage() : ""), cause);
    this.serverClass = serverClass;
    this.pid = pid;
    this.exitStatus = exitStatus;
  }

  /** The worker's class name. */
  public String serverClass() {
    return serverClass;
  }

  /** The worker's pid. */
  public int pid() {
    return pid;
  }

  /** How the worker ended; empty if it was still running when this was thrown. */
  public Optional<ExitStatus> exitStatus() {
    return Optional.ofNullable(exitStatus);
  }
}
