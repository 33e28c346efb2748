package dev.tether.reactor.internal;

import dev.tether.reactor.ExitStatus;

/**
 * Decodes the status word of {@code waitpid(2)} (Linux layout: WIFEXITED, WTERMSIG...): the one
 * decoding, for the supervisor's reaper threads and the reactor's pidfds alike ({@code
 * Processes.waitPidfd} rebuilds the word from {@code siginfo_t}). Stateless.
 */
public final class WaitStatus {
  private WaitStatus() {}

  /**
   * The exit status of a process that has terminated (not one that merely stopped or continued).
   *
   * @throws IllegalArgumentException if {@code status} does not describe a terminated process
   */
  public static ExitStatus decode(int status) {
    int termSig = status & 0x7f;
    if (termSig == 0) {
      return new ExitStatus.Exited((status >> 8) & 0xff);
    }
    if (termSig != 0x7f) {
      return new ExitStatus.Signaled(termSig);
    }
    throw new IllegalArgumentException(
        "status : 0x" + Integer.toHexString(status) + " (expected: exited or killed by a signal)");
  }
}
