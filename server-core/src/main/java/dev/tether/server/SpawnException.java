package dev.tether.server;

import dev.tether.reactor.ExitStatus;
import java.util.List;

/**
 * A worker process could not be started: {@code posix_spawnp} (or a step preparing it) failed in
 * the supervisor, so no child exists and nothing needs to be reaped.
 *
 * <p>The message names the command and the failing call with its errno, e.g. {@code cannot spawn
 * [/no/such/java, -version]: posix_spawnp(..) failed with error(2): No such file or directory}.
 * {@link ExitStatus.FailedToStart} carries this exception as its cause.
 */
public final class SpawnException extends TetherException {
  private static final long serialVersionUID = 1L;

  private final List<String> command;
  private final int errno;

  /**
   * Creates the exception.
   *
   * @param command the argv that failed to start (kept for diagnostics)
   * @param errno the errno of the failing call, or 0 when the failure was not a native error
   * @param cause the failure of the native call
   */
  public SpawnException(List<String> command, int errno, Throwable cause) {
    this(command, errno, cause, "");
  }

  /**
   * Creates the exception with a hint appended to the message, e.g. which of the executable and
   * the working directory is missing when errno is ENOENT.
   */
  public SpawnException(List<String> command, int errno, Throwable cause, String hint) {
    super("cannot spawn " + command + ": " + cause.getMessage() + hint, cause);
    this.command = List.copyOf(command);
    this.errno = errno;
  }

  /** The argv that failed to start. */
  public List<String> command() {
    return command;
  }

  /** The errno reported by the failing native call (2 = ENOENT, 13 = EACCES, ...), or 0. */
  public int errno() {
    return errno;
  }
}
