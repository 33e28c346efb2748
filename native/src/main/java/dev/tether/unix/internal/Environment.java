package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;

/**
 * The C library's environment ({@code environ}): what processes spawned later inherit, through
 * {@link PosixSpawn} with it as their environment or through a {@code ProcessBuilder} whose {@code
 * environment()} was never called. Two other views may not follow {@link #unset}: {@link
 * System#getenv()} is a copy the JDK makes at its first use (which came before the unset on JDK
 * 17 here, after it on 25), and {@code /proc/self/environ} is the block the kernel laid out at
 * exec.
 *
 * <p>Thread-safety is glibc's: unsetenv(3) takes a lock, getenv(3) does not, so C code reading the
 * environment in another thread at the same moment may miss a variable. Unset early at start-up.
 */
public final class Environment {
  private Environment() {}

  /** getenv(3): the value of {@code name}, or null if it is not set. */
  public static String get(String name) {
    return Libc.processes().getenv(name);
  }

  /**
   * unsetenv(3); nothing happens if {@code name} is not set.
   *
   * @throws dev.tether.unix.NativeCallException with EINVAL if {@code name} is empty or has '='
   */
  public static void unset(String name) {
    if (Libc.processes().unsetenv(name) != 0) {
      throw Errors.failure("unsetenv", name);
    }
  }
}
