package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;
import java.nio.ByteBuffer;

/** clock_gettime(2). Thread-safe. */
public final class Clocks {
  private Clocks() {}

  /**
   * {@code CLOCK_MONOTONIC} in microseconds, the clock of systemd's {@code MONOTONIC_USEC}.
   * HotSpot's {@link System#nanoTime()} reads the same clock on Linux, but promises no origin.
   */
  public static long monotonicMicros() {
    ByteBuffer timespec = Memory.allocate(16);
    if (Libc.processes().clock_gettime(Linux.CLOCK_MONOTONIC, Memory.address(timespec)) != 0) {
      throw Errors.failure("clock_gettime", "CLOCK_MONOTONIC");
    }
    return timespec.getLong(0) * 1_000_000L + timespec.getLong(8) / 1_000L;
  }
}
