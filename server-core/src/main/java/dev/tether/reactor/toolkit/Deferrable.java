package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * EventMachine's {@code EM::Deferrable}: a result that arrives later, with callbacks for success
 * and errbacks for failure, bound to one reactor.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Threading: every method checks that it runs on the reactor thread and throws {@link
 *       dev.tether.reactor.ReactorException} otherwise, except the constructor, {@link #of} (any
 *       thread) and the future {@link #toCompletableFuture} returns, which any thread may wait on.
 *       Every callback and errback runs on the reactor thread.
 *   <li>Order: callbacks (errbacks) run in the order they were added, when {@link #succeed}
 *       ({@link #fail}) is called. One added after that runs at once, inside the call that adds
 *       it, as in EventMachine; so one added by a running callback runs before the callbacks
 *       still waiting in the list.
 *   <li>Once: a deferrable completes once. A second {@code succeed} or {@code fail} throws
 *       {@link IllegalStateException} naming the state it is in (EventMachine would re-run the
 *       callbacks; in Java a double completion is a bug worth hearing about). Code racing a
 *       {@link #timeout} uses {@link #trySucceed}/{@link #tryFail}, which return false instead.
 *   <li>Errors: an exception thrown by a callback goes to the reactor's error handler (or its
 *       log); the remaining callbacks still run. A failure with no errback is dropped silently,
 *       as in EventMachine.
 *   <li>Completion cancels the timeout. Callbacks of a completed deferrable are released, so a
 *       deferrable holds no references to them after it ran them.
 * </ul>
 *
 * @param <T> the type of the success value (may be null)
 */
public class Deferrable<T> {
  private enum State { PENDING, SUCCEEDED, FAILED }

  private final Reactor reactor;
  private State state = State.PENDING;
  private T value;
  private Throwable error;
  private List<Consumer<? super T>> callbacks = new ArrayList<>(2);
  private List<Consumer<? super Throwable>> errbacks = new ArrayList<>(2);
  private Timer timer;

  /** A pending deferrable whose callbacks run on {@code reactor}'s thread. Any thread. */
  public Deferrable(Reactor reactor) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
  }

  /**
   * A deferrable completed on {@code reactor}'s thread (through {@link Reactor#schedule}) when
   * {@code stage} completes: with its value, or failed with its exception ({@link
   * CompletionException} unwrapped). Any thread. If the deferrable completed first (a {@link
   * #timeout}), the stage's outcome is dropped. If the reactor stops first, it never completes.
   */
  public static <T> Deferrable<T> of(Reactor reactor, CompletionStage<T> stage) {
    Objects.requireNonNull(stage, "stage");
    Deferrable<T> deferrable = new Deferrable<>(reactor);
    stage.whenComplete((v, e) -> reactor.schedule(() -> {
      if (e == null) {
        deferrable.trySucceed(v);
      } else {
        deferrable.tryFail(unwrap(e));
      }
    }));
    return deferrable;
  }

  /** The reactor this deferrable is bound to. Any thread. */
  public final Reactor reactor() {
    return reactor;
  }

  /**
   * Adds {@code callback}, run with the value on success (at once if already succeeded; never
   * if failed).
   */
  public Deferrable<T> callback(Consumer<? super T> callback) {
    Objects.requireNonNull(callback, "callback");
    Loop.check(reactor);
    if (state == State.PENDING) {
      callbacks.add(callback);
    } else if (state == State.SUCCEEDED) {
      Loop.invoke(reactor, callback, value);
    }
    return this;
  }

  /**
   * Adds {@code errback}, run with the error on failure (at once if already failed; never if
   * succeeded).
   */
  public Deferrable<T> errback(Consumer<? super Throwable> errback) {
    Objects.requireNonNull(errback, "errback");
    Loop.check(reactor);
    if (state == State.PENDING) {
      errbacks.add(errback);
    } else if (state == State.FAILED) {
      Loop.invoke(reactor, errback, error);
    }
    return this;
  }

  /** Adds {@code both} as a callback (with null) and an errback: EventMachine's {@code both}. */
  public Deferrable<T> both(Runnable both) {
    Objects.requireNonNull(both, "both");
    callback(v -> both.run());
    return errback(e -> both.run());
  }

  /**
   * Succeeds with {@code value}: runs the callbacks in order, drops the errbacks.
   *
   * @throws IllegalStateException if already succeeded or failed
   */
  public void succeed(T value) {
    if (!trySucceed(value)) {
      throw new IllegalStateException("deferrable already " + describeState()
          + " (expected: pending to succeed)");
    }
  }

  /**
   * Fails with {@code error}: runs the errbacks in order, drops the callbacks.
   *
   * @throws IllegalStateException if already succeeded or failed
   */
  public void fail(Throwable error) {
    if (!tryFail(error)) {
      throw new IllegalStateException("deferrable already " + describeState()
          + " (expected: pending to fail)");
    }
  }

  /** As {@link #succeed}, but returns false instead of throwing if already completed. */
  public boolean trySucceed(T value) {
    Loop.check(reactor);
    if (state != State.PENDING) {
      return false;
    }
    state = State.SUCCEEDED;
    this.value = value;
    List<Consumer<? super T>> run = release();
    for (Consumer<? super T> callback : run) {
      Loop.invoke(reactor, callback, value);
    }
    return true;
  }

  /** As {@link #fail}, but returns false instead of throwing if already completed. */
  public boolean tryFail(Throwable error) {
    Objects.requireNonNull(error, "error");
    Loop.check(reactor);
    if (state != State.PENDING) {
      return false;
    }
    state = State.FAILED;
    this.error = error;
    List<Consumer<? super Throwable>> run = errbacks;
    release();
    for (Consumer<? super Throwable> errback : run) {
      Loop.invoke(reactor, errback, error);
    }
    return true;
  }

  /**
   * Fails this deferrable with a {@link DeferrableTimeoutException} if it is still pending after
   * {@code timeout}, measured on the reactor's timers. Replaces an earlier timeout; no effect
   * if already completed.
   *
   * @throws dev.tether.reactor.TooManyTimersException if the reactor's timer limit is reached
   */
  public Deferrable<T> timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    Loop.check(reactor);
    cancelTimeout();
    if (state == State.PENDING) {
      timer = reactor.addTimer(timeout, () -> {
        timer = null;
        tryFail(new DeferrableTimeoutException(timeout));
      });
    }
    return this;
  }

  /** Cancels the pending {@link #timeout}, if any. */
  public void cancelTimeout() {
    Loop.check(reactor);
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /** Whether this deferrable has succeeded or failed. */
  public boolean isDone() {
    Loop.check(reactor);
    return state != State.PENDING;
  }

  /** Whether this deferrable has succeeded. */
  public boolean isSucceeded() {
    Loop.check(reactor);
    return state == State.SUCCEEDED;
  }

  /** Whether this deferrable has failed. */
  public boolean isFailed() {
    Loop.check(reactor);
    return state == State.FAILED;
  }

  /**
   * A new future completed, on the reactor thread, with this deferrable's outcome (at once if it
   * is done). Any thread may wait on it. Completing or cancelling the future does not affect
   * this deferrable.
   */
  public CompletableFuture<T> toCompletableFuture() {
    CompletableFuture<T> future = new CompletableFuture<>();
    callback(future::complete);
    errback(future::completeExceptionally);
    return future;
  }

  /**
   * Completes this deferrable with {@code other}'s outcome when it arrives: EventMachine's
   * chaining of one deferrable's result into another.
   */
  public Deferrable<T> follow(Deferrable<? extends T> other) {
    other.callback(this::trySucceed);
    other.errback(this::tryFail);
    return this;
  }

  @Override
  public String toString() {
    return "Deferrable[" + (reactor.inReactorThread() ? describeState() : "?") + "]";
  }

  private String describeState() {
    switch (state) {
      case SUCCEEDED:
        return "succeeded with " + value;
      case FAILED:
        return "failed with " + error;
      default:
        return "pending";
    }
  }

  private List<Consumer<? super T>> release() {
    List<Consumer<? super T>> run = callbacks;
    callbacks = List.of();
    errbacks = List.of();
    cancelTimeout();
    return run;
  }

  static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
