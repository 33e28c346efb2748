package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;
import java.nio.ByteBuffer;

/**
 * The process's limit on open fds ({@code RLIMIT_NOFILE}): the soft limit is the highest fd
 * number plus one that open, accept, dup and friends may return; an unprivileged process may raise
 * it up to the hard limit. Process-wide; thread-safe (each call uses its own struct).
 */
public final class Limits {
  /** Soft and hard limit; {@code RLIM_INFINITY} reads as {@link Long#MAX_VALUE}. */
  public record OpenFiles(long soft, long hard) {}

  private Limits() {}

  /** The current soft and hard RLIMIT_NOFILE. */
  public static OpenFiles openFiles() {
    ByteBuffer rlimit = Memory.allocate(16);
    if (Libc.processes().getrlimit(Linux.RLIMIT_NOFILE, Memory.address(rlimit)) != 0) {
      throw Errors.failure("getrlimit", "RLIMIT_NOFILE");
    }
    return new OpenFiles(unsigned(rlimit.getLong(0)), unsigned(rlimit.getLong(8)));
  }

  /**
   * Sets the soft RLIMIT_NOFILE to {@code soft}, keeping the hard limit.
   *
   * @throws IllegalArgumentException if {@code soft} is below 1 or above the hard limit
   * @throws dev.tether.unix.NativeCallException if setrlimit refuses (EPERM, EINVAL)
   */
  public static void setOpenFilesSoft(long soft) {
    OpenFiles now = openFiles();
    if (soft < 1 || soft > now.hard()) {
      throw new IllegalArgumentException("descriptorTableSize : " + soft
          + " (expected: 1.." + now.hard() + ", the hard RLIMIT_NOFILE)");
    }
    ByteBuffer rlimit = Memory.allocate(16);
    rlimit.putLong(0, soft);
    rlimit.putLong(8, now.hard() == Long.MAX_VALUE ? -1L : now.hard());
    if (Libc.processes().setrlimit(Linux.RLIMIT_NOFILE, Memory.address(rlimit)) != 0) {
      throw Errors.failure("setrlimit", "RLIMIT_NOFILE, " + soft);
    }
  }

  private static long unsigned(long value) {
    return value < 0 ? Long.MAX_VALUE : value; // RLIM_INFINITY is ~0UL
  }
}
