package dev.tether.reactor.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded thread pool behind {@code Reactor.defer}: at most {@code size} daemon threads named
 * {@code <name>-defer-N}, started on demand and ended when idle for a minute or at {@link
 * #shutdown}. The queue of waiting operations is unbounded, as in EventMachine. Thread-safe.
 */
public final class DeferPool {
  private final String name;
  private final AtomicInteger threadNumber = new AtomicInteger();
  private ThreadPoolExecutor executor;
  private int size;
  private boolean open;

  public DeferPool(String name, int size) {
    this.name = name;
    this.size = checkSize(size);
  }

  private static int checkSize(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("threadPoolSize : " + size + " (expected: > 0)");
    }
    return size;
  }

  /** Sets the maximum number of threads; applies at once if the pool is running. */
  public synchronized void setSize(int size) {
    this.size = checkSize(size);
    if (executor != null) {
      if (size > executor.getMaximumPoolSize()) {
        executor.setMaximumPoolSize(size);
        executor.setCorePoolSize(size);
      } else {
        executor.setCorePoolSize(size);
        executor.setMaximumPoolSize(size);
      }
    }
  }

  public synchronized int size() {
    return size;
  }

  /** Allows {@link #execute} until the next {@link #shutdown}. */
  public synchronized void open() {
    open = true;
  }

  /**
   * Runs {@code work} on a pool thread, starting the pool if needed; returns false (and runs
   * nothing) if the pool is not open, so no thread can start after {@link #shutdown}.
   */
  public synchronized boolean execute(Runnable work) {
    if (!open) {
      return false;
    }
    if (executor == null) {
      ThreadFactory factory = r -> {
        Thread t = new Thread(r, name + "-defer-" + threadNumber.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      executor = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), factory);
      executor.allowCoreThreadTimeOut(true);
    }
    executor.execute(work);
    return true;
  }

  /**
   * Interrupts running operations, drops waiting ones and waits up to {@code waitMillis} for the
   * threads to end. Returns whether they all ended.
   */
  public boolean shutdown(long waitMillis) {
    ThreadPoolExecutor e;
    synchronized (this) {
      open = false;
      e = executor;
      executor = null;
    }
    if (e == null) {
      return true;
    }
    e.shutdownNow();
    try {
      if (e.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
        return true;
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    log().warn("{} defer threads still running {} ms after stop (blocked in an operation that"
        + " ignores interrupts)", e.getActiveCount(), waitMillis);
    return false;
  }

  /**
   * Looked up when needed, not in a static field: a worker's loader thread makes the reactor, and
   * a thread that starts logging while another is logging its first event makes that event wait
   * for a replay, which a worker exiting at once never gets (see ChildMain).
   */
  private static Logger log() {
    return LoggerFactory.getLogger(DeferPool.class);
  }
}
