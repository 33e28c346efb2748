package dev.tether.reactor.toolkit;

import dev.tether.reactor.ReactorException;
import java.time.Duration;

/**
 * A {@link Deferrable} or {@code Completion} was not completed within the time set by its
 * {@code timeout}: the error its errbacks get.
 */
public class DeferrableTimeoutException extends ReactorException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  /** @param timeout the time that passed without completion */
  public DeferrableTimeoutException(Duration timeout) {
    super("not completed within its timeout of " + timeout.toMillis() + " ms");
    this.timeout = timeout;
  }

  /** The time that passed without completion. */
  public Duration timeout() {
    return timeout;
  }
}
