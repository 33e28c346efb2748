package dev.tether.reactor.protocols;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;

/** The reactor-thread check of this package's public methods. */
final class LoopCheck {
  private LoopCheck() {}

  /** Throws a {@link ReactorException} naming both threads unless called on the loop. */
  static void check(Reactor reactor) {
    if (!reactor.inReactorThread()) {
      throw new ReactorException("reactor " + reactor + ": called on thread "
          + Thread.currentThread().getName() + " (expected: the reactor thread)");
    }
  }
}
