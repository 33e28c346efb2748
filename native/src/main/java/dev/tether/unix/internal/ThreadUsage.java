package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;
import java.nio.ByteBuffer;

/**
 * The calling thread's CPU time split into user and system time ({@code
 * getrusage(RUSAGE_THREAD)}), in microseconds as the kernel reports it. The kernel keeps the sum
 * exact and splits it by tick samples, so the split of a short interval is an estimate while the
 * sum is not. One instance per thread (it reuses one struct): not thread-safe.
 */
public final class ThreadUsage {
  private static final int RUSAGE_BYTES = 144;

  private final ByteBuffer rusage = Memory.allocate(RUSAGE_BYTES);
  private final long address = Memory.address(rusage);

  /** Reads the calling thread's usage; then {@link #userMicros()} and {@link #systemMicros()}. */
  public void read() {
    if (Libc.processes().getrusage(Linux.RUSAGE_THREAD, address) != 0) {
      throw Errors.failure("getrusage", "RUSAGE_THREAD");
    }
  }

  /** User CPU time at the last {@link #read()}. */
  public long userMicros() {
    return rusage.getLong(0) * 1_000_000L + rusage.getLong(8);
  }

  /** System CPU time at the last {@link #read()}. */
  public long systemMicros() {
    return rusage.getLong(16) * 1_000_000L + rusage.getLong(24);
  }
}
