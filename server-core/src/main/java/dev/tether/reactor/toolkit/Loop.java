package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import java.util.function.Consumer;

/** The toolkit's link to the reactor: the thread check and running a user callback safely. */
final class Loop {
  private Loop() {
  }

  /** Throws as the reactor's own API does when not called on {@code reactor}'s thread. */
  static void check(Reactor reactor) {
    if (!reactor.inReactorThread()) {
      Thread loop = reactor.reactorThread();
      throw new ReactorException(reactor + ": called on thread "
          + Thread.currentThread().getName() + " (expected: the reactor thread"
          + (loop != null ? " " + loop.getName() : ", but the reactor is not running") + ")");
    }
  }

  /**
   * Runs {@code callback} with {@code arg} now, on the reactor thread: schedule runs a task at
   * once there, through the reactor's callback path, so an exception goes to the error handler
   * (named after the callback's class) and the caller's loop over its callbacks goes on.
   */
  static <A> void invoke(Reactor reactor, Consumer<? super A> callback, A arg) {
    reactor.schedule(new UserCallback<>(callback, arg));
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
