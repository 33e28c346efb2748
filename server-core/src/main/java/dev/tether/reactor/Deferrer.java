package dev.tether.reactor;

import dev.tether.reactor.internal.DeferPool;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * {@link Reactor#defer}: runs operations on the bounded pool and hands results back to the
 * reactor thread through its task queue. A result that arrives after the run that asked for it
 * ended is dropped, not delivered to a later run. Thread-safe.
 */
final class Deferrer {
  private final Reactor reactor;
  private final Callbacks callbacks;
  final DeferPool pool;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile int run;

  Deferrer(Reactor reactor, Callbacks callbacks, String name) {
    this.reactor = reactor;
    this.callbacks = callbacks;
    this.pool = new DeferPool(name, 20);
  }

  /** At the start of a run. */
  void open() {
    run++;
    pool.open();
  }

  /** At the end of a run: interrupts what still runs and waits for the threads to end. */
  void close() {
    pool.shutdown(5000);
    pending.set(0);
  }

  boolean finished() {
    return pending.get() == 0;
  }

  <T> void defer(Callable<T> operation, Consumer<? super T> callback,
      Consumer<? super Throwable> errback) {
    int myRun = run;
    pending.incrementAndGet();
    boolean accepted = pool.execute(() -> {
      T result = null;
      Throwable failure = null;
      try {
        result = operation.call();
      } catch (Throwable t) {
        failure = t;
      }
      if (myRun != run || !reactor.isRunning()) {
        return;
      }
      T value = result;
      Throwable error = failure;
      reactor.schedule(() -> complete(myRun, operation, value, error, callback, errback));
    });
    if (!accepted) {
      pending.decrementAndGet();
      throw new ReactorException("reactor " + reactor
          + " is not running (expected: defer while running)");
    }
  }

  private <T> void complete(int myRun, Callable<T> operation, T value, Throwable error,
      Consumer<? super T> callback, Consumer<? super Throwable> errback) {
    if (myRun != run) {
      return;
    }
    pending.decrementAndGet();
    if (error == null) {
      if (callback != null) {
        callback.accept(value);
      }
    } else if (errback != null) {
      errback.accept(error);
    } else {
      callbacks.failed(error, operation, Callbacks.DEFERRED);
    }
  }
}
