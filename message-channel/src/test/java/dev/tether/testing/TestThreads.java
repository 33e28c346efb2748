package dev.tether.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Threads of their own for a test's blocking peers: the common pool has one thread on a 2-core
 * machine, so two blocked peers there would wait for each other. {@link #close()} interrupts
 * what still runs.
 */
public final class TestThreads implements AutoCloseable {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  /** Runs {@code body} on a thread of its own; the future completes with its result. */
  public <T> CompletableFuture<T> async(Supplier<T> body) {
    return CompletableFuture.supplyAsync(body, pool);
  }

  /** Runs {@code body} on a thread of its own. */
  public CompletableFuture<Void> async(Runnable body) {
    return CompletableFuture.runAsync(body, pool);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
