package dev.tether.reactor;

import dev.tether.unix.internal.Waker;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The reactor's tasks: a plain queue for the reactor thread's own {@code nextTick}s and a
 * concurrent one for other threads, whose additions wake the poll through the eventfd. The only
 * state here that other threads touch is the concurrent queue and the waker (under a lock, so
 * no thread writes to the eventfd's number after it is closed and maybe reused).
 */
final class TaskQueue {
  private static final int REMOTE_TASKS_PER_TURN = 4096;

  private final ArrayDeque<Runnable> local = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Runnable> remote = new ConcurrentLinkedQueue<>();
  private final Object wakeLock = new Object();
  private Waker waker;

  /** Opens a new eventfd waker; returns the handle that drains it, for the poller's READ set. */
  Handle open() {
    Waker w = new Waker();
    synchronized (wakeLock) {
      waker = w;
    }
    Handle drain = new Handle() {
      @Override
      void onEvents(int events) {
        w.drain();
      }

      @Override
      void shutdown() {}

      @Override
      String describe() {
        return "eventfd (the reactor's wake-up)";
      }
    };
    drain.fd = w.fd();
    return drain;
  }

  /** Closes the waker and drops every queued task. */
  void close() {
    synchronized (wakeLock) {
      if (waker != null) {
        waker.close();
        waker = null;
      }
    }
    local.clear();
    remote.clear();
  }

  /** Reactor thread: queues for the end of this turn. */
  void addLocal(Runnable task) {
    local.addLast(task);
  }

  /** Any thread: queues for the reactor thread and wakes it. */
  void addRemote(Runnable task) {
    remote.add(task);
    synchronized (wakeLock) {
      if (waker != null) {
        waker.wakeUp();
      }
    }
  }

  /** Wakes the poll without a task (for stop()). */
  void wakeUp() {
    synchronized (wakeLock) {
      if (waker != null) {
        waker.wakeUp();
      }
    }
  }

  /** Reactor thread, before it decides how long to poll. */
  void rearm() {
    waker.rearm();
  }

  boolean isEmpty() {
    return local.isEmpty() && remote.isEmpty();
  }

  /** Runs tasks queued before this call (those they add wait a turn: no starving I/O). */
  void run(Callbacks callbacks) {
    for (int i = local.size(); i > 0; i--) {
      callbacks.invoke(Callbacks.TASK, local.pollFirst(), null);
    }
    for (int i = 0; i < REMOTE_TASKS_PER_TURN; i++) {
      Runnable task = remote.poll();
      if (task == null) {
        return;
      }
      callbacks.invoke(Callbacks.TASK, task, null);
    }
  }
}
