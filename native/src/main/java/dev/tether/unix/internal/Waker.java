package dev.tether.unix.internal;

import dev.tether.unix.jnr.FileCalls;
import dev.tether.unix.jnr.Libc;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reactor's wake-up fd: an eventfd in the poll set that any thread can make readable, so a
 * blocked poll returns at once. Owns the eventfd (closed by {@link #close()}).
 *
 * <p>{@link #wakeUp()} is thread-safe and writes at most once until the loop thread calls {@link
 * #drain()}: a burst of tasks from other threads costs one syscall, not one per task.
 */
public final class Waker implements AutoCloseable {
  private final FileCalls libc = Libc.files();
  private final Fd fd;
  private final AtomicBoolean signalled = new AtomicBoolean();
  private final ByteBuffer one = Memory.allocate(8).putLong(0, 1L);
  private final long oneAddress = Memory.address(one);
  private final ByteBuffer sink = Memory.allocate(8);
  private final long sinkAddress = Memory.address(sink);

  public Waker() {
    int efd = Libc.epoll().eventfd(0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC);
    if (efd < 0) {
      throw Errors.failure("eventfd", "..");
    }
    this.fd = Fd.own(efd);
  }

  /** The eventfd to register for READ. */
  public int fd() {
    return fd.number();
  }

  /** Makes the next (or current) poll return. Any thread. */
  public void wakeUp() {
    if (signalled.compareAndSet(false, true)) {
      // EAGAIN only if the counter is saturated: the fd is readable then anyway. After close the
      // number is -1 (write fails with EBADF), never a number the kernel gave to another file.
      libc.writeQuiet(fd.number(), oneAddress, 8);
    }
  }

  /**
   * Loop thread, before it looks at its task queue: re-arms {@link #wakeUp()} so a task queued
   * after this call wakes the next poll.
   */
  public void rearm() {
    signalled.set(false);
  }

  /** Loop thread, when the eventfd was reported readable: resets its counter. */
  public void drain() {
    libc.readQuiet(fd.number(), sinkAddress, 8);
  }

  @Override
  public void close() {
    fd.close();
  }
}
