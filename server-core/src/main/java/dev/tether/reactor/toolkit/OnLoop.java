package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import java.util.Objects;

/** Argument and thread checks shared by Channel, Queue, Iterator, TickLoop and Spawned. */
final class OnLoop {
  private OnLoop() {}

  /** Throws ReactorException unless the caller runs on {@code reactor}'s loop thread. */
  static void check(Reactor reactor, String what) {
    if (!reactor.inReactorThread()) {
      Thread loop = reactor.reactorThread();
      throw new ReactorException(what + ": called on thread " + Thread.currentThread().getName()
          + " (expected: the reactor thread"
          + (loop != null ? " " + loop.getName() : ", but the reactor is not running") + ")");
    }
  }

  static int positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " : " + value + " (expected: > 0)");
    }
    return value;
  }

  /** Returns {@code items}, after checking that neither it nor any element is null. */
  static <T> T[] noNulls(T[] items) {
    Objects.requireNonNull(items, "items");
    for (int i = 0; i < items.length; i++) {
      if (items[i] == null) {
        throw new NullPointerException("items[" + i + "] is null (expected: non-null items)");
      }
    }
    return items;
  }
}
