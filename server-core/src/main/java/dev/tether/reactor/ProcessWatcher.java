package dev.tether.reactor;

import java.util.Optional;

/**
 * Told when a process exits (EventMachine's {@code EM.watch_process}): subclass it, override
 * {@link #processExited()}, and pass it to {@link Reactor#watchProcess}. The reactor polls a
 * pidfd of the process, which refers to that process only: a pid reused by another process
 * after the exit is never reported, nor signalled by {@link #signal}.
 *
 * <p><b>Order of callbacks.</b> {@link #processExited()} once when the process terminates, then
 * {@link #unbind()}; or {@link #unbind()} alone after {@link #detach()} or when the reactor stops.
 * Reactor thread only, like {@link Watcher}.
 *
 * <p><b>Reaping.</b> Watching never reaps: a child of this process has an owner that does (the
 * JDK's {@code Process}, a server's reaper thread, a {@link ProcessConnection}), and taking its
 * status would break that owner. {@link #exitStatus()} is therefore known only for a child of
 * this process that its owner had not reaped yet when the exit was seen (peeked with {@code
 * waitid(WNOWAIT)}); for any other process it is empty: the kernel tells only the parent.
 *
 * <p><b>Ownership.</b> The reactor owns the pidfd and closes it at the exit, on {@link #detach()}
 * or when the reactor stops.
 */
public abstract class ProcessWatcher {
  private Reactor reactor;
  private PidfdHandle handle;
  private boolean attached;
  private ExitStatus exitStatus;

  /** Called once when the watched process has terminated; {@link #unbind()} follows. */
  protected void processExited() {}

  /** Called once when watching ends: after {@link #processExited()}, a detach or a stop. */
  protected void unbind() {}

  /** The watched pid. */
  public final int pid() {
    return handle().pid();
  }

  /** Whether the process is still being watched (it has not exited, no detach). */
  public final boolean isAttached() {
    return attached;
  }

  /** The exit status, if known once the process has exited (see the class documentation). */
  public final Optional<ExitStatus> exitStatus() {
    handle();
    return Optional.ofNullable(exitStatus);
  }

  /**
   * Sends {@code signal} (1..64) through the pidfd: never to a process that reused the pid.
   *
   * @return false if the process has exited or watching has ended (nothing is sent)
   * @throws IllegalArgumentException if {@code signal} is out of range
   * @throws dev.tether.unix.NativeCallException if pidfd_send_signal fails (EPERM: another
   *     user's process)
   */
  public final boolean signal(int signal) {
    return handle().signal(signal);
  }

  /** Stops watching, closes the pidfd, then calls {@link #unbind()}. Idempotent. */
  public final void detach() {
    PidfdHandle h = handle();
    if (attached) {
      h.close();
      end();
    }
  }

  void start(Reactor owner, int pid) {
    if (handle != null) {
      throw new ReactorException("process watcher " + getClass().getName()
          + " is already attached (expected: a new ProcessWatcher object per process)");
    }
    this.reactor = owner;
    this.handle = PidfdHandle.open(owner, pid, false, new PidfdHandle.Listener() {
      @Override
      public void processEnded(ExitStatus status) {
        exited(status);
      }

      @Override
      public void stopped() {
        end();
      }
    });
    this.attached = true;
  }

  private void exited(ExitStatus status) {
    exitStatus = status;
    reactor.callbacks().invoke(Callbacks.PROCESS_EXITED, this, null);
    end();
  }

  private void end() {
    if (attached) {
      attached = false;
      reactor.callbacks().invoke(Callbacks.PROCESS_UNBIND, this, null);
    }
  }

  private PidfdHandle handle() {
    PidfdHandle h = handle;
    if (h == null) {
      throw new ReactorException("process watcher " + getClass().getName()
          + " is not attached (expected: from Reactor.watchProcess)");
    }
    reactor.checkLoop();
    return h;
  }
}
