package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * EventMachine's {@code EM::Completion}: a state machine with callbacks per state. It starts in
 * {@link #UNKNOWN}, may pass through states of the caller's own naming ({@link #changeState}),
 * and ends in {@link #SUCCEEDED} or {@link #FAILED}, the completion states.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Threading: every method but the constructor checks that it runs on the reactor thread
 *       and throws {@link dev.tether.reactor.ReactorException} otherwise; every callback runs
 *       there.
 *   <li>Entering a state runs the callbacks waiting for it ({@link #stateful}) in the order they
 *       were added, once: they are removed as they run. One added for the current state runs at
 *       once. Entering a completion state also runs the {@link #completion} callbacks, after the
 *       state's own, and drops every callback still waiting for another state.
 *   <li>Once completed, a completion stays so: a further state change throws {@link
 *       IllegalStateException} naming the state it is in (EventMachine would allow it; a change
 *       after completion is a bug in Java code).
 *   <li>An exception from a callback goes to the reactor's error handler; the others still run.
 * </ul>
 *
 * @param <T> the type of the value a state is entered with (the success value)
 */
public class Completion<T> {
  /** The state a completion starts in. */
  public static final String UNKNOWN = "unknown";
  /** A completion state: {@link #succeed} was called. */
  public static final String SUCCEEDED = "succeeded";
  /** A completion state: {@link #fail} was called, or the {@link #timeout} passed. */
  public static final String FAILED = "failed";

  private final Reactor reactor;
  private String state = UNKNOWN;
  private T value;
  private Throwable error;
  private final Map<String, List<Consumer<? super T>>> waiting = new HashMap<>();
  private List<Consumer<? super Throwable>> errbacks = new ArrayList<>(2);
  private List<Consumer<? super Completion<T>>> completions = new ArrayList<>(2);
  private Timer timer;

  /** A completion in state {@link #UNKNOWN} bound to {@code reactor}. Any thread. */
  public Completion(Reactor reactor) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
  }

  /** The current state: {@link #UNKNOWN}, a completion state or one of the caller's. */
  public String state() {
    reactor.checkInLoop("Completion");
    return state;
  }

  /** The value the current state was entered with (null in {@link #UNKNOWN} and on failure). */
  public T value() {
    reactor.checkInLoop("Completion");
    return value;
  }

  /** The error of a failed completion, else null. */
  public Throwable error() {
    reactor.checkInLoop("Completion");
    return error;
  }

  /** Whether the state is a completion state ({@link #SUCCEEDED} or {@link #FAILED}). */
  public boolean isCompleted() {
    reactor.checkInLoop("Completion");
    return isCompletion(state);
  }

  /**
   * Runs {@code callback} with the value when {@code state} is entered (at once if it is the
   * current state). Dropped, never run, if the completion ends in another state first.
   *
   * @throws IllegalArgumentException if {@code state} is {@link #FAILED} (use {@link #errback})
   */
  public Completion<T> stateful(String state, Consumer<? super T> callback) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(callback, "callback");
    reactor.checkInLoop("Completion");
    if (FAILED.equals(state)) {
      throw new IllegalArgumentException("state : failed (expected: a state entered with a value;"
          + " errback takes the failure)");
    }
    if (state.equals(this.state)) {
      Loop.invoke(reactor, callback, value);
    } else if (!isCompletion(this.state)) {
      waiting.computeIfAbsent(state, s -> new ArrayList<>(2)).add(callback);
    }
    return this;
  }

  /** {@link #stateful} for {@link #SUCCEEDED}. */
  public Completion<T> callback(Consumer<? super T> callback) {
    return stateful(SUCCEEDED, callback);
  }

  /** Runs {@code errback} with the error on failure (at once if failed already). */
  public Completion<T> errback(Consumer<? super Throwable> errback) {
    Objects.requireNonNull(errback, "errback");
    reactor.checkInLoop("Completion");
    if (FAILED.equals(state)) {
      Loop.invoke(reactor, errback, error);
    } else if (!isCompletion(state)) {
      errbacks.add(errback);
    }
    return this;
  }

  /**
   * Runs {@code callback} with this completion once it succeeds or fails (at once if it has);
   * {@link #state()} tells which.
   */
  public Completion<T> completion(Consumer<? super Completion<T>> callback) {
    Objects.requireNonNull(callback, "callback");
    reactor.checkInLoop("Completion");
    if (isCompletion(state)) {
      Loop.invoke(reactor, callback, this);
    } else {
      completions.add(callback);
    }
    return this;
  }

  /**
   * Enters {@code state} with {@code value} and runs the callbacks waiting for it.
   *
   * @throws IllegalStateException if already completed
   * @throws IllegalArgumentException if {@code state} is {@link #FAILED} (use {@link #fail})
   */
  public void changeState(String state, T value) {
    Objects.requireNonNull(state, "state");
    if (FAILED.equals(state)) {
      throw new IllegalArgumentException("state : failed (expected: another state; fail(error)"
          + " enters failed)");
    }
    enter(state, value, null);
  }

  /** Enters {@link #SUCCEEDED} with {@code value}. @throws IllegalStateException if completed */
  public void succeed(T value) {
    enter(SUCCEEDED, value, null);
  }

  /** Enters {@link #FAILED} with {@code error}. @throws IllegalStateException if completed */
  public void fail(Throwable error) {
    enter(FAILED, null, Objects.requireNonNull(error, "error"));
  }

  /**
   * Fails with a {@link DeferrableTimeoutException} if not completed within {@code timeout}
   * (reactor timers). Replaces an earlier timeout; no effect once completed.
   */
  public Completion<T> timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    reactor.checkInLoop("Completion");
    cancelTimeout();
    if (!isCompletion(state)) {
      timer = reactor.addTimer(timeout, () -> {
        timer = null;
        if (!isCompletion(state)) {
          fail(new DeferrableTimeoutException(timeout));
        }
      });
    }
    return this;
  }

  /** Cancels the pending {@link #timeout}, if any. */
  public void cancelTimeout() {
    reactor.checkInLoop("Completion");
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void enter(String newState, T newValue, Throwable newError) {
    reactor.checkInLoop("Completion");
    if (isCompletion(state)) {
      throw new IllegalStateException("completion already " + state
          + (error != null ? " with " + error : " with " + value)
          + " (expected: not completed to enter " + newState + ")");
    }
    state = newState;
    value = newValue;
    error = newError;
    List<Consumer<? super T>> forState = waiting.remove(newState);
    if (forState != null) {
      for (Consumer<? super T> callback : forState) {
        Loop.invoke(reactor, callback, newValue);
      }
    }
    if (!isCompletion(newState)) {
      return;
    }
    cancelTimeout();
    waiting.clear();
    List<Consumer<? super Throwable>> failed = errbacks;
    List<Consumer<? super Completion<T>>> done = completions;
    errbacks = List.of();
    completions = List.of();
    if (newError != null) {
      for (Consumer<? super Throwable> errback : failed) {
        Loop.invoke(reactor, errback, newError);
      }
    }
    for (Consumer<? super Completion<T>> callback : done) {
      Loop.invoke(reactor, callback, this);
    }
  }

  private static boolean isCompletion(String state) {
    return SUCCEEDED.equals(state) || FAILED.equals(state);
  }

  @Override
  public String toString() {
    return "Completion[" + (reactor.inReactorThread() ? state : "?") + "]";
  }
}
