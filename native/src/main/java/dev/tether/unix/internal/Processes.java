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
}
