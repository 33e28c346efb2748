package dev.tether.supervisor.internal;

import dev.tether.reactor.Timer;
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
}
