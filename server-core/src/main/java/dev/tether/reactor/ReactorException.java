package dev.tether.reactor;

/**
 * Root of the reactor's unchecked exceptions: misuse (wrong thread, reactor not running), failed
 * system calls ({@link NativeCallException}) and timeouts ({@link ConnectionTimeoutException}).
 */
public class ReactorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReactorException(String message) {
    super(message);
  }

  public ReactorException(String message, Throwable cause) {
    super(message, cause);
  }
}
