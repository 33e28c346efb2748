package dev.tether.reactor;

/**
 * Thrown by {@link Reactor#addTimer} and {@link Reactor#addPeriodicTimer} when the reactor already
 * holds {@link Reactor#maxTimers()} timers (EventMachine's "max timers exceeded"). The message
 * names the count and the cap.
 */
public class TooManyTimersException extends ReactorException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public TooManyTimersException(String message) {
    super(message);
  }
}
