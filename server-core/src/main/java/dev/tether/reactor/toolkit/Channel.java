package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A publish/subscribe channel on a reactor (EventMachine's {@code EM::Channel}): every message
 * pushed goes to every subscriber, in push order.
 *
 * <p><b>Delivery.</b> {@link #push} never calls a subscriber itself: each (subscriber, message)
 * pair is delivered by its own task on the reactor's next tick, so a subscriber that throws
 * (the exception goes to the reactor's {@link dev.tether.reactor.ErrorHandler}) does not keep
 * the message from the others. A message goes to those subscribed when it is pushed (on the loop
 * thread) and still subscribed when its delivery runs: unsubscribing, even from inside another
 * subscriber's delivery, stops every later delivery at once.
 *
 * <p><b>Threading.</b> {@link #push} is safe from any thread (from another thread it hops to the
 * loop first, so its messages go out one tick later); every other method runs on the reactor
 * thread only and throws {@link dev.tether.reactor.ReactorException} elsewhere. Subscribers run
 * on the reactor thread.
 *
 * <p><b>Bound.</b> At most {@code maxPending} messages pushed and not yet delivered to all
 * their subscribers; a push past it throws {@link BacklogFullException} and delivers nothing.
 *
 * @param <T> the message type
 */
public final class Channel<T> {
  /** The default {@link #Channel(Reactor, int) maxPending}. */
  public static final int DEFAULT_MAX_PENDING = 65_536;

  private final Reactor reactor;
  private final int maxPending;
  private final Map<Integer, Consumer<? super T>> subscribers = new LinkedHashMap<>();
  private final AtomicInteger pending = new AtomicInteger();
  private int nextId = 1;

  /** A channel with at most {@link #DEFAULT_MAX_PENDING} undelivered messages. */
  public Channel(Reactor reactor) {
    this(reactor, DEFAULT_MAX_PENDING);
  }

  /**
   * @param maxPending how many pushed messages may wait for delivery (&gt; 0)
   * @throws IllegalArgumentException if {@code maxPending} is not positive
   */
  public Channel(Reactor reactor, int maxPending) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.maxPending = Loop.positive("maxPending", maxPending);
  }

  /**
   * Subscribes {@code subscriber} to every message pushed from now on. Reactor thread only.
   *
   * @return the subscription's id, for {@link #unsubscribe} (ids are never reused)
   */
  public int subscribe(Consumer<? super T> subscriber) {
    reactor.checkInLoop("Channel.subscribe");
    Objects.requireNonNull(subscriber, "subscriber");
    int id = nextId++;
    subscribers.put(id, subscriber);
    return id;
  }

  /**
   * Subscribes {@code subscriber} to the next message only (EventMachine's {@code pop}); it is
   * unsubscribed before it runs. Reactor thread only.
   *
   * @return the subscription's id, to {@link #unsubscribe} before a message came
   */
  public int pop(Consumer<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    int[] self = new int[1];
    self[0] = subscribe(message -> {
      subscribers.remove(self[0]);
      subscriber.accept(message);
    });
    return self[0];
  }

  /**
   * Ends subscription {@code id}: no message, even one pushed already, reaches it afterwards.
   * Reactor thread only.
   *
   * @return whether {@code id} was subscribed
   */
  public boolean unsubscribe(int id) {
    reactor.checkInLoop("Channel.unsubscribe");
    return subscribers.remove(id) != null;
  }

  /** How many subscriptions are active. Reactor thread only. */
  public int numSubscribers() {
    reactor.checkInLoop("Channel.numSubscribers");
    return subscribers.size();
  }

  /**
   * Pushes {@code items}, in order, to every current subscriber on the next tick. Any thread.
   *
   * @throws NullPointerException if an item is null
   * @throws BacklogFullException if more than {@code maxPending} messages would be undelivered
   */
  @SafeVarargs
  public final void push(T... items) {
    Loop.noNulls(items);
    reserve(items.length);
    if (reactor.inReactorThread()) {
      deliver(items);
    } else {
      reactor.nextTick(() -> deliver(items));
    }
  }

  private void reserve(int count) {
    while (true) {
      int held = pending.get();
      if (held + (long) count > maxPending) {
        throw new BacklogFullException("channel messages", held, count, maxPending);
      }
      if (pending.compareAndSet(held, held + count)) {
        return;
      }
    }
  }

  private void deliver(T[] items) {
    if (subscribers.isEmpty()) {
      pending.addAndGet(-items.length);
      return;
    }
    Integer[] ids = subscribers.keySet().toArray(new Integer[0]);
    for (T item : items) {
      for (int i = 0; i < ids.length; i++) {
        Integer id = ids[i];
        boolean last = i == ids.length - 1;
        reactor.nextTick(() -> {
          if (last) {
            pending.decrementAndGet();
          }
          Consumer<? super T> subscriber = subscribers.get(id);
          if (subscriber != null) {
            subscriber.accept(item);
          }
        });
      }
    }
  }
}
