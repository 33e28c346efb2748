package dev.tether.reactor;

import dev.tether.unix.NativeCallException;
import java.util.List;

/**
 * {@link Reactor#popen} or {@link Reactor#system} could not start the child: no process exists,
 * nothing is left to reap or close. The message names the command, the failed call with its
 * errno and, where errno is ambiguous, which part is missing, e.g. {@code cannot spawn [nosuch]:
 * posix_spawnp(nosuch) failed with error(2): No such file or directory (executable nosuch not
 * found)}.
 */
public final class ProcessStartException extends ReactorException {
  private static final long serialVersionUID = 1L;

  private final List<String> command;
  private final int errno;

  ProcessStartException(List<String> command, NativeCallException cause, String hint) {
    super("cannot spawn " + command + ": " + cause.getMessage() + hint, cause);
    this.command = List.copyOf(command);
    this.errno = cause.errno();
  }

  /** The argv that failed to start. */
  public List<String> command() {
    return command;
  }

  /** The errno of the failed call (2 = ENOENT, 13 = EACCES, ...). */
  public int errno() {
    return errno;
  }
}
