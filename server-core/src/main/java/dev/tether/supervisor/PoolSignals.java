package dev.tether.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The signals of a supervisor process, as Unicorn and Gunicorn users expect them: TERM and INT
 * stop the pool gracefully (drain, then stop the workers), HUP restarts it rolling, TTIN adds a
 * worker and TTOU removes one (within the pool's size limits).
 *
 * <pre>{@code
 * PoolSignals signals = PoolSignals.install(pool);
 * signals.awaitStop();   // main thread: returns once TERM or INT stopped the pool
 * }</pre>
 *
 * <p>Handlers run on the JVM's signal thread and hand the work to the pool (whose methods are
 * thread-safe); the graceful stop runs on a thread of its own, so a second TERM during it is
 * harmless. {@link #uninstall()} restores the previous handlers.
 */
public final class PoolSignals {
  private static final Logger LOG = LoggerFactory.getLogger(PoolSignals.class);

  private final WorkerPool pool;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Runnable> restore = new ArrayList<>();
  private boolean stopping; // guarded by this

  private PoolSignals(WorkerPool pool) {
    this.pool = pool;
  }

  /**
   * Installs the handlers for {@code pool}.
   *
   * @throws IllegalArgumentException if the JVM refuses a handler (run with {@code -Xrs}?)
   */
  public static PoolSignals install(WorkerPool pool) {
    PoolSignals signals = new PoolSignals(pool);
    signals.handle("TERM", signals::stop);
    signals.handle("INT", signals::stop);
    signals.handle("HUP", pool::restart);
    signals.handle("TTIN", () -> signals.resizeBy(1));
    signals.handle("TTOU", () -> signals.resizeBy(-1));
    return signals;
  }

  /** Waits until TERM or INT stopped the pool. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** Restores the handlers that were there before {@link #install}. */
  public void uninstall() {
    restore.forEach(Runnable::run);
    restore.clear();
  }

  private void handle(String name, Runnable action) {
    Signal signal = new Signal(name);
    SignalHandler previous = Signal.handle(signal, s -> {
      LOG.info("SIG{}: {}", name, pool);
      action.run();
    });
    restore.add(() -> Signal.handle(signal, previous));
  }

  private synchronized void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    Thread t = new Thread(() -> {
      try {
        pool.stop();
      } finally {
        stopped.countDown();
      }
    }, "tether-pool-stop");
    t.start();
  }

  private void resizeBy(int delta) {
    int size = pool.status().size() + delta;
    try {
      pool.resize(size);
    } catch (IllegalArgumentException e) {
      LOG.warn("SIG{}: {}", delta > 0 ? "TTIN" : "TTOU", e.getMessage());
    }
  }
}
