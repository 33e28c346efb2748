package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import java.util.Objects;
import java.util.function.Consumer;

/** The toolkit's shared helpers: running a user callback safely, and argument checks. */
final class Loop {
  private Loop() {
  }

  /**
   * Runs {@code callback} with {@code arg} now, on the reactor thread: schedule runs a task at
   * once there, through the reactor's callback path, so an exception goes to the error handler
   * (named after the callback's class) and the caller's loop over its callbacks goes on.
   */
  static <A> void invoke(Reactor reactor, Consumer<? super A> callback, A arg) {
    reactor.schedule(new UserCallback<>(callback, arg));
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

  /** A callback and its argument, as the task the reactor runs and reports failures of. */
  private static final class UserCallback<A> implements Runnable {
    private final Consumer<? super A> callback;
    private final A arg;

    UserCallback(Consumer<? super A> callback, A arg) {
      this.callback = callback;
      this.arg = arg;
    }

    @Override
    public void run() {
      callback.accept(arg);
    }
  }
}
