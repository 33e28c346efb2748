package dev.tether.reactor;

import dev.tether.reactor.internal.WaitStatus;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Poller;
import dev.tether.unix.internal.Processes;

/**
 * One process's pidfd in the poll set: readable once the process has terminated. <b>Owns the
 * pidfd</b> and closes it when the process has ended ({@link #end}) or on {@link #close()}; a
 * signal is only ever sent through the pidfd, so never to a process that reused the pid.
 *
 * <p>A reaping handle (a child of {@link Reactor#popen}) reaps its child with {@code
 * waitid(P_PIDFD)}; a watching handle ({@link Reactor#watchProcess}) never reaps: a child of this
 * process has an owner that does (the JDK's {@code Process}, the supervisor's reaper), and taking
 * its status would break that owner. It only peeks (WNOWAIT), so a child's status is known if its
 * owner has not reaped it yet, a non-child's never. Reactor thread only.
 */
final class PidfdHandle extends Handle {
  /** Told once that the process ended or that watching stopped with the reactor. */
  interface Listener {
    /** The process ended; {@code status} is null when it cannot be known. */
    void processEnded(ExitStatus status);

    /** The reactor stopped a watching (non-reaping) handle before the process ended. */
    default void stopped() {}
  }

  /** From {@link #waitStatus}: ended, but its status is gone (another owner reaped it). */
  private static final int UNKNOWN = -2;

  private final Reactor reactor;
  private final int pid;
  private final boolean reaps;
  private final Listener listener;
  private boolean ended;
  private ExitStatus status;

  private PidfdHandle(Reactor reactor, int pid, int pidfd, boolean reaps, Listener listener) {
    this.reactor = reactor;
    this.pid = pid;
    this.fd = pidfd;
    this.reaps = reaps;
    this.listener = listener;
  }

  /**
   * Opens a pidfd for {@code pid} and polls it.
   *
   * @throws NativeCallException from pidfd_open (ESRCH: no such process); nothing is left open
   */
  static PidfdHandle open(Reactor reactor, int pid, boolean reaps, Listener listener) {
    int pidfd = Processes.pidfdOpen(pid);
    PidfdHandle handle = new PidfdHandle(reactor, pid, pidfd, reaps, listener);
    try {
      reactor.register(handle, Poller.READ);
    } catch (RuntimeException e) {
      Io.close(pidfd);
      throw e;
    }
    return handle;
  }

  int pid() {
    return pid;
  }

  boolean ended() {
    return ended;
  }

  /** The status once ended, if known. */
  ExitStatus status() {
    return status;
  }

  @Override
  void onEvents(int events) {
    int word = waitStatus(false);
    // Readable means terminated, so RUNNING is not expected; it is reported as unknown.
    end(word == Processes.RUNNING ? UNKNOWN : word);
  }

  /**
   * Sends {@code signal} through the pidfd.
   *
   * @return false if the process has ended already (nothing sent)
   * @throws NativeCallException if pidfd_send_signal fails otherwise (EPERM)
   */
  boolean signal(int signal) {
    if (signal < 1 || signal > ExitStatus.MAX_SIGNAL) {
      throw new IllegalArgumentException(
          "signal : " + signal + " (expected: 1.." + ExitStatus.MAX_SIGNAL + ")");
    }
    if (ended) {
      return false;
    }
    try {
      Processes.pidfdSendSignal(fd, signal);
      return true;
    } catch (NativeCallException e) {
      if (e.errno() == Linux.ESRCH) {
        return false; // terminated and reaped by another owner; the pollable event is pending
      }
      throw e;
    }
  }

  /**
   * The reactor stops: a reaping handle kills its child (SIGKILL) and reaps it, blocking the
   * stopping thread until the kernel has ended it, so no child outlives its reactor as a zombie;
   * a watching handle just stops watching.
   */
  @Override
  void shutdown() {
    if (ended) {
      return;
    }
    if (reaps) {
      signal(Linux.SIGKILL);
      end(waitStatus(true));
    } else {
      close();
      listener.stopped();
    }
  }

  /** Stops polling and closes the pidfd without telling the listener. Idempotent. */
  void close() {
    if (!ended) {
      ended = true;
      release();
    }
  }

  private int waitStatus(boolean block) {
    try {
      return Processes.waitPidfd(fd, !reaps, block);
    } catch (NativeCallException e) {
      if (e.errno() == Linux.ECHILD) {
        return UNKNOWN; // not our child, or another owner reaped it (a waitpid(-1) elsewhere)
      }
      throw e;
    }
  }

  private void end(int word) {
    ended = true;
    status = word == UNKNOWN ? null : WaitStatus.decode(word);
    release();
    listener.processEnded(status);
  }

  private void release() {
    reactor.unregister(this);
    int pidfd = fd;
    fd = -1;
    Io.close(pidfd);
  }

  @Override
  String describe() {
    return "pidfd of process " + pid + (reaps ? ", a child it reaps" : ", watched")
        + " for " + listener.getClass().getName();
  }
}
