package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventMachine's {@code EM::ThreadedResource}: a resource that must not be used from the loop
 * (a blocking client, a JDBC connection) owned by one dedicated thread; {@link #dispatch} runs
 * work with it there, in order, and answers with a {@link Deferrable} completed on the loop.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Threading: the constructor, {@link #dispatch} and {@link #shutdown} run on the reactor
 *       thread (else {@link ReactorException}); the factory and the work run on the resource's
 *       thread, one at a time, in the order dispatched; deferrables complete on the reactor
 *       thread.
 *   <li>Ownership: the resource belongs to its thread, which creates it with the factory and,
 *       if it is {@link AutoCloseable}, closes it when it ends. The thread ends after {@link
 *       #shutdown}, or when the reactor stops (a shutdown hook); it is a daemon thread.
 *   <li>Bounds: at most {@code maxQueued} pieces of work wait; past that {@link #dispatch}
 *       throws {@link BacklogFullException}.
 * </ul>
 *
 * @param <R> the resource type
 */
public class ThreadedResource<R> {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadedResource.class);

  private final Reactor reactor;
  private final int maxQueued;
  private final LinkedBlockingQueue<Job<R>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final Deferrable<Void> stopped;
  private boolean shutdown;

  /**
   * Starts the thread {@code name}, which creates the resource with {@code factory}; if that
   * throws, every dispatched work fails with a {@link ReactorException} caused by it.
   *
   * @throws IllegalArgumentException if {@code maxQueued} is not positive
   */
  public ThreadedResource(Reactor reactor, String name, Callable<? extends R> factory,
      int maxQueued) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(factory, "factory");
    Loop.positive("maxQueued", maxQueued);
    reactor.checkInLoop("ThreadedResource");
    this.maxQueued = maxQueued;
    this.stopped = new Deferrable<>(reactor);
    thread = new Thread(() -> serve(factory), name);
    thread.setDaemon(true);
    thread.start();
    reactor.addShutdownHook(this::stopWithReactor);
  }

  /**
   * The reactor stops: no later turn will deliver a result, so the thread is interrupted (a
   * blocked job ends) and waited for, up to 5 s, so that it does not outlive the reactor's run.
   */
  private void stopWithReactor() {
    shutdown();
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("threaded resource {}: its thread did not end within 5 s of the reactor's stop",
          thread.getName());
    }
  }

  /**
   * Runs {@code work} with the resource on its thread after the work dispatched before; the
   * deferrable gets its result, or what it threw.
   *
   * @throws BacklogFullException if {@code maxQueued} pieces of work are waiting
   * @throws IllegalStateException after {@link #shutdown}
   */
  public <V> Deferrable<V> dispatch(Function<? super R, ? extends V> work) {
    Objects.requireNonNull(work, "work");
    reactor.checkInLoop("ThreadedResource");
    if (shutdown) {
      throw new IllegalStateException("threaded resource " + thread.getName()
          + " is shut down (expected: running to dispatch)");
    }
    if (queue.size() >= maxQueued) {
      throw new BacklogFullException("threaded resource " + thread.getName() + " work",
          queue.size(), 1, maxQueued);
    }
    Deferrable<V> result = new Deferrable<>(reactor);
    queue.add(new Job<>(work, result));
    return result;
  }

  /**
   * Stops the thread after the work it is running: work still queued fails with a {@link
   * ReactorException}, the resource is closed if it is {@link AutoCloseable}. Returns a
   * deferrable that succeeds once the thread has closed it and is ending. A second call returns
   * the same deferrable. Never blocks.
   */
  public Deferrable<Void> shutdown() {
    reactor.checkInLoop("ThreadedResource");
    if (!shutdown) {
      shutdown = true;
      List<Job<R>> dropped = new ArrayList<>();
      queue.drainTo(dropped);
      queue.add(new Job<>(null, null));
      for (Job<R> job : dropped) {
        job.result.tryFail(new ReactorException("threaded resource " + thread.getName()
            + " shut down before the work ran"));
      }
    }
    return stopped;
  }

  /** The number of pieces of work dispatched and not yet started. */
  public int numQueued() {
    reactor.checkInLoop("ThreadedResource");
    return queue.size();
  }

  private void serve(Callable<? extends R> factory) {
    R resource = null;
    Throwable startFailure = null;
    try {
      resource = factory.call();
    } catch (Throwable t) {
      startFailure = t;
    }
    try {
      for (Job<R> job = queue.take(); job.work != null; job = queue.take()) {
        job.run(resource, startFailure);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (resource instanceof AutoCloseable) {
        try {
          ((AutoCloseable) resource).close();
        } catch (Exception e) {
          LOG.warn("threaded resource {}: closing {} failed", thread.getName(), resource, e);
        }
      }
      reactor.schedule(() -> stopped.trySucceed(null));
    }
  }

  /** One piece of work and its deferrable; a job without work tells the thread to end. */
  private final class Job<S> {
    final Function<? super S, ?> work;
    final Deferrable<Object> result;

    @SuppressWarnings("unchecked")
    Job(Function<? super S, ?> work, Deferrable<?> result) {
      this.work = work;
      this.result = (Deferrable<Object>) result;
    }

    void run(S resource, Throwable startFailure) {
      if (startFailure != null) {
        ReactorException e = new ReactorException("threaded resource " + thread.getName()
            + ": the resource could not be created", startFailure);
        reactor.schedule(() -> result.tryFail(e));
        return;
      }
      try {
        Object value = work.apply(resource);
        reactor.schedule(() -> result.trySucceed(value));
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError) {
          throw e;
        }
        reactor.schedule(() -> result.tryFail(e));
      }
    }
  }
}
