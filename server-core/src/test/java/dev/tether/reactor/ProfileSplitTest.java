package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.internal.ThreadUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Profiles split CPU time into user and system time (getrusage(RUSAGE_THREAD)). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProfileSplitTest {
  /** CPU time each callback burns, measured as CPU time: the machine may be busy. */
  private static final long BURN_MICROS = 150_000;

  /** Whether the calling thread has used {@link #BURN_MICROS} of CPU since {@code start}. */
  private static boolean burnt(ThreadUsage usage, long start) {
    usage.read();
    return usage.userMicros() + usage.systemMicros() - start >= BURN_MICROS;
  }

  private static long cpuMicros(ThreadUsage usage) {
    usage.read();
    return usage.userMicros() + usage.systemMicros();
  }

  /** Pure computation: user time. */
  static final class Compute implements Runnable {
    long sink;

    @Override
    public void run() {
      ThreadUsage usage = new ThreadUsage();
      long start = cpuMicros(usage);
      long x = 1;
      while (!burnt(usage, start)) {
        for (int i = 0; i < 2_000_000; i++) { // a few ms between two getrusage calls
          x = x * 6364136223846793005L + 1442695040888963407L;
        }
      }
      sink = x;
    }
  }

  /** Reads /dev/zero into a direct buffer: the kernel zeroes 64 KiB per call, system time. */
  static final class Syscalls implements Runnable {
    @Override
    public void run() {
      ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
      ThreadUsage usage = new ThreadUsage();
      long start = cpuMicros(usage);
      try (FileChannel zero = FileChannel.open(Path.of("/dev/zero"))) {
        while (!burnt(usage, start)) {
          for (int i = 0; i < 20; i++) {
            buffer.clear();
            zero.read(buffer);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void userAndSystemTimeAddUpAndLandWhereTheWorkWas() {
    Reactor r = new Reactor("profile");
    try (ReactorRunner runner = new ReactorRunner(r)) {
      runner.run(() -> r.setProfiling(true));
      runner.run(() -> r.schedule(new Compute())); // runs at once, inside the loop
      runner.run(() -> r.schedule(new Syscalls()));
      List<CallbackProfile> profile = runner.call(r::profile);
      CallbackProfile compute = find(profile, Compute.class);
      CallbackProfile syscalls = find(profile, Syscalls.class);
      for (CallbackProfile p : List.of(compute, syscalls)) {
        assertEquals(1, p.calls(), p.toString());
        assertEquals(p.cpuNanos(), p.userNanos() + p.systemNanos(), p.toString());
        assertTrue(p.cpuNanos() >= BURN_MICROS * 1000, p.toString());
      }
      assertTrue(compute.userNanos() > 4 * compute.systemNanos(), compute.toString());
      assertTrue(syscalls.systemNanos() > syscalls.userNanos(), syscalls.toString());
    }
  }

  private static CallbackProfile find(List<CallbackProfile> profile, Class<?> type) {
    return profile.stream().filter(p -> p.callback().equals(type.getName() + ".task"))
        .findFirst().orElseThrow(() -> new AssertionError(profile.toString()));
  }
}
