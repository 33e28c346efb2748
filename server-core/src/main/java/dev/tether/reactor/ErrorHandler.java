package dev.tether.reactor;

/**
 * Receives every exception thrown by a callback the reactor runs (EventMachine's error_handler).
 * Called on the reactor thread; the loop goes on after it returns. An exception thrown by the
 * handler itself is logged and dropped.
 */
@FunctionalInterface
public interface ErrorHandler {
  /**
   * @param error what the callback threw
   * @param callback which callback threw, e.g. {@code "com.example.Echo.receiveData"}
   */
  void handle(Throwable error, String callback);
}
