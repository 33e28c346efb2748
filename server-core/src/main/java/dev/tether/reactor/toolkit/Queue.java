package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A work queue on a reactor (EventMachine's {@code EM::Queue}): items are {@link #push pushed},
 * callbacks {@link #pop pop} one item each, and both are served first come, first served: the
 * oldest waiting callback gets the oldest item.
 *
 * <p><b>Delivery.</b> A callback never runs inside {@code push} or {@code pop}: it gets its item
 * from a task on the reactor's next tick (an exception it throws goes to the reactor's {@link
 * dev.tether.reactor.ErrorHandler}). The item is taken off the queue when it is matched with the
 * callback, so {@link #size} already counts it out.
 *
 * <p><b>Threading.</b> {@link #push} is safe from any thread (from another thread the items reach
 * the queue on the loop a tick later, in the order of that thread's pushes); every other method
 * runs on the reactor thread only and throws {@link dev.tether.reactor.ReactorException}
 * elsewhere. Callbacks run on the reactor thread.
 *
 * <p><b>Bounds.</b> At most {@code maxItems} items (those still on their way from another thread
 * included) and at most {@code maxWaiting} waiting callbacks; past either, the call throws {@link
 * BacklogFullException} and takes nothing.
 *
 * @param <T> the item type
 */
public final class Queue<T> {
  /** The default {@link #Queue(Reactor, int, int) maxItems} and {@code maxWaiting}. */
  public static final int DEFAULT_LIMIT = 65_536;

  private final Reactor reactor;
  private final int maxItems;
  private final int maxWaiting;
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private final ArrayDeque<Consumer<? super T>> waiting = new ArrayDeque<>();
  /** Items held plus items pushed from other threads and not yet on the queue. */
  private final AtomicInteger admitted = new AtomicInteger();

  /** A queue of at most {@link #DEFAULT_LIMIT} items and as many waiting callbacks. */
  public Queue(Reactor reactor) {
    this(reactor, DEFAULT_LIMIT, DEFAULT_LIMIT);
  }

  /**
   * @param maxItems how many items the queue may hold (&gt; 0)
   * @param maxWaiting how many callbacks may wait for an item (&gt; 0)
   * @throws IllegalArgumentException if a limit is not positive
   */
  public Queue(Reactor reactor, int maxItems, int maxWaiting) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.maxItems = Loop.positive("maxItems", maxItems);
    this.maxWaiting = Loop.positive("maxWaiting", maxWaiting);
  }

  /**
   * Appends {@code items} in order, handing them to waiting callbacks first. Any thread.
   *
   * @throws NullPointerException if an item is null
   * @throws BacklogFullException if the queue would hold more than {@code maxItems}
   */
  @SafeVarargs
  public final void push(T... items) {
    Loop.noNulls(items);
    while (true) {
      int held = admitted.get();
      if (held + (long) items.length > maxItems) {
        throw new BacklogFullException("queue items", held, items.length, maxItems);
      }
      if (admitted.compareAndSet(held, held + items.length)) {
        break;
      }
    }
    if (reactor.inReactorThread()) {
      append(items);
    } else {
      reactor.nextTick(() -> append(items));
    }
  }

  /**
   * Has {@code callback} called with the oldest item, on the next tick if one is queued, else
   * once one is pushed and every callback that waited longer has had its item. Reactor thread
   * only.
   *
   * @throws BacklogFullException if {@code maxWaiting} callbacks wait already
   */
  public void pop(Consumer<? super T> callback) {
    reactor.checkInLoop("Queue.pop");
    Objects.requireNonNull(callback, "callback");
    if (waiting.isEmpty() && !items.isEmpty()) {
      hand(callback, items.pollFirst());
      return;
    }
    if (waiting.size() >= maxWaiting) {
      throw new BacklogFullException("queue waiting callbacks", waiting.size(), 1, maxWaiting);
    }
    waiting.addLast(callback);
  }

  /** Items on the queue now (not counting those still on their way from another thread). */
  public int size() {
    reactor.checkInLoop("Queue.size");
    return items.size();
  }

  /** Whether {@link #size} is 0. Reactor thread only. */
  public boolean isEmpty() {
    return size() == 0;
  }

  /** Callbacks waiting for an item. Reactor thread only. */
  public int numWaiting() {
    reactor.checkInLoop("Queue.numWaiting");
    return waiting.size();
  }

  private void append(T[] pushed) {
    for (T item : pushed) {
      items.addLast(item);
    }
    while (!waiting.isEmpty() && !items.isEmpty()) {
      hand(waiting.pollFirst(), items.pollFirst());
    }
  }

  private void hand(Consumer<? super T> callback, T item) {
    admitted.decrementAndGet();
    reactor.nextTick(() -> callback.accept(item));
  }
}
