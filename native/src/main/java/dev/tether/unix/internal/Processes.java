package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;
import dev.tether.unix.jnr.ProcessCalls;
import java.nio.ByteBuffer;

/**
 * Signals and waiting for one's own children by pid. Thread-safe. Never waits for "any child"
 * (waitpid(-1) would steal the exit status of the JDK's own {@code Process} children).
 */
public final class Processes {
  private static final int SIGINFO_BYTES = 128;
  // siginfo_t after waitid, 64-bit Linux: si_code at 8, si_pid at 16, si_status at 24.
  private static final int SI_CODE = 8;
  private static final int SI_PID = 16;
  private static final int SI_STATUS = 24;
  /** {@link #waitPidfd}: the process has not terminated yet. */
  public static final int RUNNING = -1;

  private Processes() {}

  private static ProcessCalls calls() {
    return Libc.processes();
  }

  /** This process's effective user id: the uid its files and sockets' peers see. */
  public static int effectiveUid() {
    return calls().geteuid();
  }

  /**
   * Sends {@code signal} to {@code pid} (a negative pid names a process group).
   *
   * @throws dev.tether.unix.NativeCallException e.g. ESRCH if there is no such process
   */
  public static void kill(int pid, int signal) {
    if (calls().kill(pid, signal) != 0) {
      throw Errors.failure("kill", pid);
    }
  }

  /** Blocks until {@code pid} has terminated, without reaping it (waitid with WNOWAIT). */
  public static void awaitTermination(int pid) {
    ByteBuffer siginfo = Memory.allocate(SIGINFO_BYTES);
    long address = Memory.address(siginfo);
    while (calls().waitid(Linux.P_PID, pid, address, Linux.WEXITED | Linux.WNOWAIT) != 0) {
      int errno = Errors.errno();
      if (errno != Linux.EINTR) {
        throw Errors.failure("waitid", pid, errno);
      }
    }
  }

  /** Reaps {@code pid}, blocking until it terminates; returns the raw wait status. */
  public static int waitpid(int pid) {
    int[] status = new int[1];
    while (calls().waitpid(pid, status, 0) != pid) {
      int errno = Errors.errno();
      if (errno != Linux.EINTR) {
        throw Errors.failure("waitpid", pid, errno);
      }
    }
    return status[0];
  }

  /**
   * A pidfd for {@code pid} ({@code pidfd_open(2)}), close-on-exec; the caller owns it. It refers
   * to that process for good: once the process has ended, the number may be reused, the pidfd
   * not. It becomes readable when the process terminates.
   *
   * @throws dev.tether.unix.NativeCallException ESRCH if there is no such process, EINVAL for a
   *     pid of 0 or less
   */
  public static int pidfdOpen(int pid) {
    long fd = calls().syscall(Linux.SYS_PIDFD_OPEN, pid, 0, 0, 0);
    if (fd < 0) {
      throw Errors.failure("pidfd_open", pid);
    }
    return (int) fd;
  }

  /**
   * Sends {@code signal} to the process of {@code pidfd} ({@code pidfd_send_signal(2)}): never to
   * another process that reused its pid.
   *
   * @throws dev.tether.unix.NativeCallException ESRCH if the process has terminated (a zombie not
   *     yet reaped still takes signals), EPERM if not allowed to signal it
   */
  public static void pidfdSendSignal(int pidfd, int signal) {
    if (calls().syscall(Linux.SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0) != 0) {
      throw Errors.failure("pidfd_send_signal", pidfd);
    }
  }

  /**
   * {@code waitid(P_PIDFD, pidfd, WEXITED)}: the status word of a terminated child (the layout
   * {@code waitpid} reports, rebuilt from {@code siginfo_t}), or {@link #RUNNING} if it has not
   * terminated and not {@code block} (WNOHANG). Reaps the child unless {@code peek} (WNOWAIT: the
   * child stays for its owner to reap).
   *
   * @throws dev.tether.unix.NativeCallException ECHILD if the process is not a child of this
   *     process, or was reaped already
   */
  public static int waitPidfd(int pidfd, boolean peek, boolean block) {
    ByteBuffer siginfo = Memory.allocate(SIGINFO_BYTES);
    long address = Memory.address(siginfo);
    int options = Linux.WEXITED | (block ? 0 : Linux.WNOHANG) | (peek ? Linux.WNOWAIT : 0);
    while (calls().waitid(Linux.P_PIDFD, pidfd, address, options) != 0) {
      int errno = Errors.errno();
      if (errno != Linux.EINTR) {
        throw Errors.failure("waitid", "P_PIDFD " + pidfd, errno);
      }
    }
    if (siginfo.getInt(SI_PID) == 0) {
      return RUNNING;
    }
    int code = siginfo.getInt(SI_CODE);
    int status = siginfo.getInt(SI_STATUS);
    switch (code) {
      case Linux.CLD_EXITED:
        return (status & 0xff) << 8;
      case Linux.CLD_KILLED:
        return status & 0x7f;
      case Linux.CLD_DUMPED:
        return (status & 0x7f) | 0x80;
      default:
        throw new IllegalStateException("waitid(P_PIDFD " + pidfd + "): si_code " + code
            + " (expected: CLD_EXITED, CLD_KILLED or CLD_DUMPED)");
    }
  }
}
