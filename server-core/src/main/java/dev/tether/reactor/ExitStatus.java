package dev.tether.reactor;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a child process ended, as seen by whoever reaped it: the supervisor for a worker ({@code
 * waitpid}), the reactor for a {@link ProcessConnection} or {@link Reactor#system} child (its
 * pidfd). It lives in the reactor package, the lower layer, so that both can share it.
 *
 * <ul>
 *   <li>{@link Exited}: the process called {@code exit(code)} (including a JVM's
 *       {@code System.exit} and a normal end of {@code main}).
 *   <li>{@link Signaled}: the kernel killed the process with a signal it did not handle (SIGKILL
 *       always; SIGTERM for a non-Java child or a JVM run with {@code -Xrs}).
 *   <li>{@link FailedToStart}: no process ever ran; the cause says why.
 * </ul>
 *
 * <p>A JVM handles SIGTERM, SIGINT and SIGHUP itself: it runs its shutdown hooks and then exits
 * with status {@code 128 + signal} (143 after SIGTERM), so {@code waitpid} reports
 * {@code Exited(143)}, not {@code Signaled(15)}. {@link #terminatedBy()} folds both forms into
 * one answer. The mapping is a convention, not a kernel fact: a program that calls
 * {@code exit(143)} on its own is indistinguishable from one that died of SIGTERM; use
 * {@link Signaled} alone where that difference matters.
 *
 * <p>Instances are immutable values.
 */
public sealed interface ExitStatus {

  /** Highest signal number on Linux (SIGRTMAX); bounds the {@code 128 + n} convention. */
  int MAX_SIGNAL = 64;

  /** The process called {@code exit(code)}; {@code code} is 0..255. */
  record Exited(int code) implements ExitStatus {
    /** Checks that {@code code} is a real exit status. */
    public Exited {
      if (code < 0 || code > 255) {
        throw new IllegalArgumentException("code : " + code + " (expected: 0..255)");
      }
    }

    @Override
    public OptionalInt terminatedBy() {
      return code > 128 && code <= 128 + MAX_SIGNAL ? OptionalInt.of(code - 128)
          : OptionalInt.empty();
    }
  }

  /** The kernel terminated the process with {@code signal} (1..64). */
  record Signaled(int signal) implements ExitStatus {
    /** Checks that {@code signal} is a real signal number. */
    public Signaled {
      if (signal < 1 || signal > MAX_SIGNAL) {
        throw new IllegalArgumentException("signal : " + signal + " (expected: 1.." + MAX_SIGNAL
            + ")");
      }
    }

    @Override
    public OptionalInt terminatedBy() {
      return OptionalInt.of(signal);
    }
  }

  /** The process never ran; {@code cause} says why (the server's {@code SpawnException}...). */
  record FailedToStart(Throwable cause) implements ExitStatus {
    /** Checks that a cause is given. */
    public FailedToStart {
      Objects.requireNonNull(cause, "cause");
    }

    @Override
    public OptionalInt terminatedBy() {
      return OptionalInt.empty();
    }
  }

  /**
   * The signal that ended the process: the real signal for {@link Signaled}, {@code code - 128}
   * for an {@link Exited} code in 129..192 (the shell and JVM convention for "ended after
   * handling signal n", e.g. 143 = SIGTERM), empty otherwise. See the type's javadoc for why this
   * is a convention.
   */
  OptionalInt terminatedBy();

  /** True only for {@code Exited(0)}. */
  default boolean isSuccess() {
    return this instanceof Exited e && e.code() == 0;
  }
}
