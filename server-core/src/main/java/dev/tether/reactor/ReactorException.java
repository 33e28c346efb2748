package dev.tether.reactor;

/**
 * Root of the reactor's unchecked exceptions: misuse (wrong thread, reactor not running) and
 * timeouts ({@link ConnectionTimeoutException}). A failed system call is a {@link
 * dev.tether.unix.NativeCallException}, the native layer's one failure type, in every module.
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
