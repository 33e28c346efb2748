package dev.tether.server.internal;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Checked access to {@link LibC}: every wrapper throws {@link NativeCallException} naming the call
 * and errno instead of returning -1, and retries calls interrupted by a signal (EINTR). Constants
 * are the Linux x86-64/aarch64 glibc values. Thread-safe (errno is saved per thread by jnr-ffi).
 */
final class Posix {
  static final int O_CLOEXEC = 0x80000;

  static final int SIGKILL = 9;
  static final int SIGTERM = 15;

  static final int EINTR = 4;
  static final int ESRCH = 3;

  static final int P_PID = 1;
  static final int WEXITED = 4;
  static final int WNOWAIT = 0x01000000;

  static final short POSIX_SPAWN_SETPGROUP = 0x02;
  static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  static final short POSIX_SPAWN_SETSIGMASK = 0x08;

  /**
   * Bytes allocated for each opaque glibc struct. Real x86-64 sizes: posix_spawn_file_actions_t
   * 80, posix_spawnattr_t 336, sigset_t 128, siginfo_t 128. Generous on purpose: an undersized
   * attr buffer is silent heap corruption (jnr-posix's SpawnAttribute).
   */
  static final int STRUCT_BYTES = 1024;

  static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  private Posix() {}

  /** Zeroed native memory of {@link #STRUCT_BYTES}, freed when unreachable. */
  static Pointer allocateStruct() {
    return Memory.allocateDirect(RUNTIME, STRUCT_BYTES, true);
  }

  /**
   * A pipe {read, write}; close-on-exec when {@code cloexec}. The caller owns both fds. A pipe
   * without close-on-exec is inheritable: only tests want that.
   */
  static int[] pipe(boolean cloexec) {
    int[] fds = new int[2];
    if (LIBC.pipe2(fds, cloexec ? O_CLOEXEC : 0) != 0) {
      throw lastError("pipe2");
    }
    return fds;
  }

  /** Closes {@code fd}; EINTR is not retried (Linux has released the fd already). */
  static void close(int fd) {
    if (LIBC.close(fd) != 0) {
      int errno = RUNTIME.getLastError();
      if (errno != EINTR) {
        throw error("close", errno);
      }
    }
  }

  /** Reads up to {@code buf.length} bytes; returns 0 at end of file. */
  static int read(int fd, byte[] buf) {
    while (true) {
      long n = LIBC.read(fd, buf, buf.length);
      if (n >= 0) {
        return (int) n;
      }
      int errno = RUNTIME.getLastError();
      if (errno != EINTR) {
        throw error("read", errno);
      }
    }
  }

  /** Writes all of {@code buf} to a blocking fd. */
  static void writeFully(int fd, byte[] buf) {
    int off = 0;
    while (off < buf.length) {
      byte[] rest = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, buf.length);
      long n = LIBC.write(fd, rest, rest.length);
      if (n < 0) {
        int errno = RUNTIME.getLastError();
        if (errno != EINTR) {
          throw error("write", errno);
        }
      } else {
        off += (int) n;
      }
    }
  }

  /** Sends {@code signal} to {@code pid} (a negative pid names a process group). */
  static void kill(int pid, int signal) {
    if (LIBC.kill(pid, signal) != 0) {
      throw lastError("kill");
    }
  }

  /** Blocks until {@code pid} has terminated, without reaping it (waitid WNOWAIT). */
  static void awaitTermination(int pid) {
    Pointer siginfo = allocateStruct();
    while (LIBC.waitid(P_PID, pid, siginfo, WEXITED | WNOWAIT) != 0) {
      int errno = RUNTIME.getLastError();
      if (errno != EINTR) {
        throw error("waitid", errno);
      }
    }
  }

  /** Reaps {@code pid} (blocking until it terminates) and returns the raw wait status. */
  static int waitpid(int pid) {
    int[] status = new int[1];
    while (LIBC.waitpid(pid, status, 0) != pid) {
      int errno = RUNTIME.getLastError();
      if (errno != EINTR) {
        throw error("waitpid", errno);
      }
    }
    return status[0];
  }

  /** Throws unless {@code rc} is 0; for calls that return the error number (posix_spawn*). */
  static void checkReturn(String call, int rc) {
    if (rc != 0) {
      throw error(call, rc);
    }
  }

  static NativeCallException lastError(String call) {
    return error(call, RUNTIME.getLastError());
  }

  static NativeCallException error(String call, int errno) {
    String text = LIBC.strerror(errno);
    return new NativeCallException(call, errno, text != null ? text : "unknown error");
  }
}
