package dev.tether.supervisor.internal;

import dev.tether.reactor.Timer;
import dev.tether.supervisor.PoolRejectedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One request of a pool: its message, the future of its reply, and where it is (queued, or in
 * flight on a worker under an id). The pool's loop thread only, but for the future.
 */
final class PoolRequest {
  final List<String> message;
  final Duration timeout; // null: none
  final CompletableFuture<List<String>> reply = new CompletableFuture<>();
  long id; // 0 while queued
  PooledWorker worker; // null while queued
  Timer deadline; // null without a timeout

  PoolRequest(List<String> message, Duration timeout) {
    this.message = message;
    this.timeout = timeout;
  }

  String name() {
    return message.get(0);
  }

  /** Cancels its deadline, if any, so that it cannot time out any more. */
  void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel();
      deadline = null;
    }
  }

  /**
   * Fails it with a {@link PoolRejectedException} saying {@code why}. Also from another thread
   * for a request the loop never took: it has no deadline then.
   */
  void reject(String serverClass, String why) {
    cancelDeadline();
    reply.completeExceptionally(new PoolRejectedException("pool of " + serverClass
        + " rejected '" + name() + "': " + why));
  }
}
