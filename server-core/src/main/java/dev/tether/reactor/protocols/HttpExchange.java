package dev.tether.reactor.protocols;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.Timer;
import dev.tether.reactor.toolkit.Deferrable;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** One request of an {@link HttpClient}: its bytes, its result and its timeout. */
final class HttpExchange {
  private final String method;
  private final byte[] request;
  private final Deferrable<HttpResponse> result;
  private Timer timer;
  /** System.nanoTime() by which the response must be complete; 0 until first armed. */
  private long deadline;
  private boolean retried;
  private final boolean closeRequested;
  private boolean done;

  HttpExchange(String method, byte[] request, boolean closeRequested,
      Deferrable<HttpResponse> result) {
    this.method = method;
    this.closeRequested = closeRequested;
    this.request = request;
    this.result = result;
  }

  String method() {
    return method;
  }

  /** Whether the request said {@code Connection: close}. */
  boolean closeRequested() {
    return closeRequested;
  }

  byte[] request() {
    return request;
  }

  Deferrable<HttpResponse> result() {
    return result;
  }

  boolean idempotentRetryLeft() {
    return !retried && (method.equals("GET") || method.equals("HEAD"));
  }

  void markRetried() {
    retried = true;
  }

  /**
   * Arms the timeout, counted from the first call: a request dispatched again (to a new
   * connection) keeps its deadline. It fails the request and closes {@code connection}.
   */
  void startTimer(Reactor reactor, Duration timeout, HttpClientConnection connection) {
    if (timer != null) {
      timer.cancel();
    }
    if (deadline == 0) {
      deadline = System.nanoTime() + timeout.toNanos();
    }
    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    timer = reactor.addTimer(left, () -> {
      if (!done) {
        fail(new TimeoutException("HTTP " + method + " got no complete response in "
            + timeout.toMillis() + " ms"));
        connection.timedOut(this);
      }
    });
  }

  boolean isDone() {
    return done;
  }

  void succeed(HttpResponse response) {
    if (!done) {
      done = true;
      if (timer != null) {
        timer.cancel();
      }
      result.trySucceed(response);
    }
  }

  void fail(Throwable error) {
    if (!done) {
      done = true;
      if (timer != null) {
        timer.cancel();
      }
      result.tryFail(error);
    }
  }
}
