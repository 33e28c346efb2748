package dev.tether.reactor;

/**
 * Readiness callbacks for an fd the application keeps reading and writing itself (EventMachine's
 * {@code EM.watch}). Subclass it, pass it to {@link Reactor#watch}, and choose what to be told
 * about with {@link #setNotifyReadable} / {@link #setNotifyWritable} (both off at first).
 *
 * <p>Readiness is level-triggered: while the fd stays readable and notification is on, {@link
 * #notifyReadable()} is called once per loop turn. A hang-up or error on the fd is reported as
 * readable (or writable if only that is on), where the application's own read or write sees it.
 *
 * <p><b>Ownership.</b> The reactor never closes a watched fd: {@link #detach()} (or {@link
 * Reactor#stop()}) only removes it from the poll set and calls {@link #unbind()}; the application
 * closes the fd afterwards. Reactor thread only, like {@link Connection}.
 */
public abstract class Watcher {
  WatchHandle handle;

  /** Called while the fd is readable and read notification is on. */
  protected void notifyReadable() {}

  /** Called while the fd is writable and write notification is on. */
  protected void notifyWritable() {}

  /** Called once when the watcher is detached. */
  protected void unbind() {}

  /** Turns read notification on or off. */
  public final void setNotifyReadable(boolean on) {
    handle().setInterest(WatchHandle.READ, on);
  }

  /** Turns write notification on or off. */
  public final void setNotifyWritable(boolean on) {
    handle().setInterest(WatchHandle.WRITE, on);
  }

  /** Whether read notification is on. */
  public final boolean isNotifyReadable() {
    return handle().has(WatchHandle.READ);
  }

  /** Whether write notification is on. */
  public final boolean isNotifyWritable() {
    return handle().has(WatchHandle.WRITE);
  }

  /** Stops watching, leaves the fd open, then calls {@link #unbind()}. Idempotent. */
  public final void detach() {
    handle().detach();
  }

  /** Whether the watcher is still attached to its reactor. */
  public final boolean isAttached() {
    return handle != null && handle.attached();
  }

  /** The watched fd number (the application owns it). */
  public final int fd() {
    return handle().fd;
  }

  private WatchHandle handle() {
    WatchHandle h = handle;
    if (h == null) {
      throw new ReactorException("watcher " + getClass().getName()
          + " is not attached (expected: from Reactor.watch)");
    }
    h.reactor.checkLoop();
    return h;
  }
}
