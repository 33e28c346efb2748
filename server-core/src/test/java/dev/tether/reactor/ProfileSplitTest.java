package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Profiles split CPU time into user and system time (getrusage(RUSAGE_THREAD)). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProfileSplitTest {
  private static final long BURN_NANOS = Duration.ofMillis(300).toNanos();

  /** Pure computation: user time. */
  static final class Compute implements Runnable {
    long sink;

    @Override
    public void run() {
      long end = System.nanoTime() + BURN_NANOS;
      long x = 1;
      while (System.nanoTime() < end) {
        for (int i = 0; i < 1000; i++) {
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
      try (FileChannel zero = FileChannel.open(Path.of("/dev/zero"))) {
        long end = System.nanoTime() + BURN_NANOS;
        while (System.nanoTime() < end) {
          buffer.clear();
          zero.read(buffer);
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
        // The thread was on CPU for most of the 300 ms it spent (2 cores, shared).
        assertTrue(p.cpuNanos() > BURN_NANOS / 10, p.toString());
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
