package dev.tether.reactor.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.ExitStatus;
import dev.tether.reactor.ProcessOptions;
import dev.tether.reactor.ProcessStartException;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import dev.tether.reactor.SystemResult;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DeferrableChildProcess with real children started by the reactor. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeferrableChildProcessTest {
  private static SystemResult run(ReactorRunner runner, List<String> argv,
      ProcessOptions options) {
    AtomicReference<SystemResult> result = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    runner.run(() -> DeferrableChildProcess.open(runner.reactor, argv, options).callback(r -> {
      assertTrue(runner.reactor.inReactorThread());
      result.set(r);
      done.countDown();
    }));
    ReactorRunner.await(done);
    return result.get();
  }

  @Test
  void succeedsWithTheOutputAndTheExitStatusWhateverItIs() {
    try (ReactorRunner runner = new ReactorRunner()) {
      SystemResult ok = run(runner, List.of("sh", "-c", "printf 'line 1\\nline 2\\n'"),
          ProcessOptions.defaults());
      assertEquals("line 1\nline 2\n", ok.outputText());
      assertEquals(new ExitStatus.Exited(0), ok.status());
      SystemResult failed = run(runner, List.of("sh", "-c", "printf out; echo err >&2; exit 3"),
          ProcessOptions.defaults().withStderr(ProcessOptions.Stderr.MERGE));
      assertEquals("outerr\n", failed.outputText());
      assertEquals(new ExitStatus.Exited(3), failed.status());
      SystemResult killed = run(runner, List.of("sh", "-c", "kill -9 $$"),
          ProcessOptions.defaults());
      assertEquals(new ExitStatus.Signaled(9), killed.status());
    }
  }

  @Test
  void outputPastTheLimitIsDroppedAndTheResultSaysTruncated() {
    try (ReactorRunner runner = new ReactorRunner()) {
      SystemResult big = run(runner, List.of("head", "-c", "100000", "/dev/zero"),
          ProcessOptions.defaults().withOutputLimit(1000));
      assertEquals(1000, big.output().length);
      assertTrue(big.truncated());
      assertEquals(new ExitStatus.Exited(0), big.status());
    }
  }

  @Test
  void aCommandThatCannotStartThrowsAndOffTheLoopThrows() {
    try (ReactorRunner runner = new ReactorRunner()) {
      ProcessStartException e = assertThrows(ProcessStartException.class, () -> runner.run(
          () -> DeferrableChildProcess.open(runner.reactor, List.of("no-such-command-xyz"))));
      assertTrue(e.getMessage().contains("no-such-command-xyz"), e.getMessage());
      assertThrows(ReactorException.class,
          () -> DeferrableChildProcess.open(runner.reactor, List.of("true")));
      assertFalse(runner.call(() -> runner.reactor.connectionCount() > 0));
    }
  }
}
