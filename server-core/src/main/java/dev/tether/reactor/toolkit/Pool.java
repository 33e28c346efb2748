package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * EventMachine's {@code EM::Pool}: resources (connections to a backend, say) lent to work one at
 * a time. {@link #perform} hands the work a free resource, or queues it, first in first out,
 * until one is free; the work answers with a {@link Deferrable}, and when that completes the
 * resource is free again.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Threading: every method but the constructor checks that it runs on the reactor thread
 *       and throws {@link dev.tether.reactor.ReactorException} otherwise; work and hooks run
 *       there.
 *   <li>Failure: a resource whose work fails (its deferrable fails, or the work throws or
 *       returns null) leaves the pool; then the {@link #onError} hook, if any, gets it and the
 *       error, and may {@link #add} it back. (EventMachine puts it back unless {@code on_error}
 *       is set; here a failed resource is suspect until the hook says otherwise.)
 *   <li>Bounds: at most {@code maxWaiting} pieces of work wait; past that {@link #perform}
 *       throws {@link BacklogFullException}.
 *   <li>The pool holds no fds and closes nothing: the resources' owner closes them.
 * </ul>
 *
 * @param <R> the resource type
 */
public class Pool<R> {
  private final Reactor reactor;
  private final int maxWaiting;
  private final List<R> contents = new ArrayList<>();
  private final ArrayDeque<R> free = new ArrayDeque<>();
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private final List<R> removedWhileBusy = new ArrayList<>();
  private BiConsumer<? super R, ? super Throwable> onError;
  private boolean dispatching;

  /**
   * An empty pool on {@code reactor} in which at most {@code maxWaiting} pieces of work wait.
   * Any thread.
   *
   * @throws IllegalArgumentException if {@code maxWaiting} is not positive
   */
  public Pool(Reactor reactor, int maxWaiting) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.maxWaiting = Loop.positive("maxWaiting", maxWaiting);
  }

  /**
   * Adds {@code resource}, free at once: the oldest waiting work, if any, gets it now.
   *
   * @throws IllegalArgumentException if it is in the pool already
   */
  public void add(R resource) {
    Objects.requireNonNull(resource, "resource");
    reactor.checkInLoop("Pool");
    if (contents.contains(resource)) {
      throw new IllegalArgumentException("resource : " + resource + " (expected: not in the pool)");
    }
    contents.add(resource);
    if (removedWhileBusy.remove(resource)) {
      return; // still busy: its work's completion frees it, as for any resource in the pool
    }
    free.addLast(resource);
    dispatch();
  }

  /**
   * Removes {@code resource}: a free one at once, a busy one when its work completes (it is not
   * lent again). Returns whether it was in the pool.
   */
  public boolean remove(R resource) {
    reactor.checkInLoop("Pool");
    if (!contents.remove(resource)) {
      return false;
    }
    if (!free.remove(resource)) {
      removedWhileBusy.add(resource);
    }
    return true;
  }

  /**
   * Sets the hook run with a resource and the error when work on it fails, after the resource
   * left the pool (EventMachine's {@code on_error}); null for none.
   */
  public void onError(BiConsumer<? super R, ? super Throwable> hook) {
    reactor.checkInLoop("Pool");
    this.onError = hook;
  }

  /**
   * Runs {@code work} with a free resource, now or, if none is free, once one is (in order of
   * calls). The returned deferrable completes as the work's does.
   *
   * @throws BacklogFullException if no resource is free and {@code maxWaiting} pieces of work wait
   */
  public <V> Deferrable<V> perform(Function<? super R, ? extends Deferrable<? extends V>> work) {
    Objects.requireNonNull(work, "work");
    reactor.checkInLoop("Pool");
    if (waiting.size() >= maxWaiting) {
      throw new BacklogFullException("pool work waiting for " + contents.size() + " resources",
          waiting.size(), 1, maxWaiting);
    }
    Deferrable<V> result = new Deferrable<>(reactor);
    waiting.addLast(() -> lend(work, result));
    dispatch();
    return result;
  }

  /** The resources in the pool, busy or free, in the order they were added (a copy). */
  public List<R> contents() {
    reactor.checkInLoop("Pool");
    return List.copyOf(contents);
  }

  /** The number of free resources. */
  public int numFree() {
    reactor.checkInLoop("Pool");
    return free.size();
  }

  /** The number of pieces of work waiting for a resource. */
  public int numWaiting() {
    reactor.checkInLoop("Pool");
    return waiting.size();
  }

  /** Lends free resources to waiting work; one loop, so work that completes at once nests not. */
  private void dispatch() {
    if (dispatching) {
      return;
    }
    dispatching = true;
    try {
      while (!free.isEmpty() && !waiting.isEmpty()) {
        waiting.pollFirst().run();
      }
    } finally {
      dispatching = false;
    }
  }

  private <V> void lend(Function<? super R, ? extends Deferrable<? extends V>> work,
      Deferrable<V> result) {
    R resource = free.pollFirst();
    Deferrable<? extends V> done;
    try {
      done = Objects.requireNonNull(work.apply(resource), "the deferrable the work returned");
    } catch (RuntimeException e) {
      failed(resource, e);
      result.tryFail(e);
      return;
    }
    done.callback(v -> {
      release(resource);
      result.trySucceed(v);
    });
    done.errback(e -> {
      failed(resource, e);
      result.tryFail(e);
    });
  }

  private void release(R resource) {
    if (!removedWhileBusy.remove(resource)) {
      free.addLast(resource);
      dispatch();
    }
  }

  private void failed(R resource, Throwable error) {
    if (!removedWhileBusy.remove(resource)) {
      contents.remove(resource);
    }
    BiConsumer<? super R, ? super Throwable> hook = onError;
    if (hook != null) {
      Loop.invoke(reactor, r -> hook.accept(r, error), resource);
    }
  }
}
