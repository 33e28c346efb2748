package dev.tether.reactor;

/**
 * Something registered in the reactor's poll set under one fd: a connection, a listening socket, a
 * watched fd or the wake-up fd. {@code token} is (generation &lt;&lt; 32 | fd), so an event that
 * was queued for an fd number before it was closed and reused is recognised and dropped.
 */
abstract class Handle {
  int fd = -1;
  long token;
  /** Interest currently registered with the poller; -1 if not registered. */
  int registered = -1;

  /** Handles a batch of event bits ({@code Poller.READ} etc.) from one poll. */
  abstract void onEvents(int events);

  /** Closes (or detaches) as part of {@link Reactor#stop()}. */
  abstract void shutdown();

  /** What this fd is and who owns it, in words ({@link Reactor#descriptors()}). */
  abstract String describe();
}
