package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimeAndTasksTest {
  @Test
  void timersFireInDueOrderOnTheLoopThreadNeverEarly() {
    List<String> fired = new CopyOnWriteArrayList<>();
    List<Long> earliness = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(5);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        long start = System.nanoTime();
        int[] delays = {40, 10, 30, 10, 20};
        String[] names = {"40", "10a", "30", "10b", "20"};
        for (int i = 0; i < delays.length; i++) {
          String name = names[i];
          long due = start + TimeUnit.MILLISECONDS.toNanos(delays[i]);
          r.addTimer(Duration.ofMillis(delays[i]), () -> {
            earliness.add(due - System.nanoTime());
            fired.add(name + (r.inReactorThread() ? "" : "!thread"));
            done.countDown();
          });
        }
        assertEquals(5, r.pendingTimers());
      });
      ReactorRunner.await(done);
      assertEquals(List.of("10a", "10b", "20", "30", "40"), fired);
      earliness.forEach(e -> assertTrue(e <= 0, "fired " + e + " ns early"));
      assertEquals(0, (int) runner.call(r::pendingTimers));
    }
  }

  @Test
  void cancelledTimersDoNotFireAndPeriodicTimersRepeatUntilCancelled() {
    AtomicInteger ticks = new AtomicInteger();
    AtomicBoolean cancelledFired = new AtomicBoolean();
    CountDownLatch last = new CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        Timer doomed = r.addTimer(Duration.ofMillis(20), () -> cancelledFired.set(true));
        Timer[] periodic = new Timer[1];
        periodic[0] = r.addPeriodicTimer(Duration.ofMillis(5), () -> {
          if (ticks.incrementAndGet() == 4) {
            periodic[0].cancel();
            assertFalse(periodic[0].isPending());
          }
        });
        assertTrue(doomed.isPending());
        doomed.cancel();
        doomed.cancel();
        assertFalse(doomed.isPending());
        // Fires after the cancelled one would have: proves it had its chance.
        r.addTimer(Duration.ofMillis(60), last::countDown);
      });
      ReactorRunner.await(last);
      assertFalse(cancelledFired.get());
      assertEquals(4, ticks.get());
      assertEquals(0, (int) runner.call(r::pendingTimers));
    }
  }

  @Test
  void badDurationsAreRejectedWithTheValue() {
    try (ReactorRunner runner = new ReactorRunner()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> runner.run(() -> runner.reactor.addTimer(Duration.ofMillis(-1), () -> {})));
      assertEquals("delay : PT-0.001S (expected: >= 0)", e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> runner.run(() -> runner.reactor.addPeriodicTimer(Duration.ZERO, () -> {})));
    }
  }

  @Test
  void scheduleFromAnotherThreadWakesABlockedPollAtOnce() throws Exception {
    try (ReactorRunner runner = new ReactorRunner()) {
      // Nothing is due: the loop sleeps in epoll_wait with no timeout (one far timer for proof).
      runner.run(() -> runner.reactor.addTimer(Duration.ofHours(1), () -> {}));
      for (int i = 0; i < 5; i++) {
        Thread.sleep(50); // let the loop go back to sleep; not used to synchronize
        CompletableFuture<Long> ranAt = new CompletableFuture<>();
        long sent = System.nanoTime();
        runner.reactor.schedule(() -> ranAt.complete(System.nanoTime()));
        long latency = ranAt.get(10, TimeUnit.SECONDS) - sent;
        // Generous bound: the point is that it does not wait for the hour-long timer.
        assertTrue(latency < TimeUnit.MILLISECONDS.toNanos(500), "woke after " + latency + " ns");
      }
    }
  }

  @Test
  void nextTickRunsAfterTheCurrentTurnAndScheduleOnTheLoopRunsNow() {
    List<String> order = new ArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      CountDownLatch done = new CountDownLatch(1);
      r.schedule(() -> {
        r.nextTick(() -> {
          order.add("tick1");
          r.nextTick(() -> {
            order.add("tick2");
            done.countDown();
          });
        });
        r.schedule(() -> order.add("scheduled-now"));
        order.add("end-of-task");
      });
      ReactorRunner.await(done);
      assertEquals(List.of("scheduled-now", "end-of-task", "tick1", "tick2"),
          runner.call(() -> order));
    }
  }

  @Test
  void callbackExceptionsGoToTheErrorHandlerAndTheLoopGoesOn() {
    List<String> errors = new CopyOnWriteArrayList<>();
    Reactor r = new Reactor();
    r.setErrorHandler((error, callback) -> errors.add(error.getMessage() + "@" + callback));
    try (ReactorRunner runner = new ReactorRunner(r)) {
      CountDownLatch after = new CountDownLatch(1);
      runner.run(() -> {
        r.addTimer(Duration.ZERO, () -> {
          throw new IllegalStateException("boom");
        });
        r.addTimer(Duration.ofMillis(5), after::countDown);
      });
      ReactorRunner.await(after);
      assertEquals(1, errors.size());
      assertTrue(errors.get(0).startsWith("boom@dev.tether.reactor.TimeAndTasksTest"),
          errors.get(0));
      assertTrue(errors.get(0).endsWith(".timer"), errors.get(0));
    }
  }

  @Test
  void withoutAnErrorHandlerExceptionsAreLoggedAndTheLoopGoesOn() {
    try (ReactorRunner runner = new ReactorRunner()) {
      CountDownLatch after = new CountDownLatch(1);
      runner.reactor.schedule(() -> {
        throw new IllegalStateException("logged, not fatal");
      });
      runner.reactor.schedule(after::countDown);
      ReactorRunner.await(after);
      assertTrue(runner.reactor.isRunning());
    }
  }

  @Test
  void deferRunsOffTheLoopAndCallsBackOnIt() {
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      AtomicReference<String> workThread = new AtomicReference<>();
      AtomicBoolean callbackOnLoop = new AtomicBoolean();
      CompletableFuture<Integer> got = new CompletableFuture<>();
      CountDownLatch release = new CountDownLatch(1);
      r.defer(() -> {
        workThread.set(Thread.currentThread().getName());
        release.await();
        return 6 * 7;
      }, v -> {
        callbackOnLoop.set(r.inReactorThread());
        got.complete(v);
      });
      assertFalse(r.defersFinished());
      release.countDown();
      assertEquals(42, got.join());
      assertTrue(callbackOnLoop.get());
      assertTrue(workThread.get().startsWith("test-defer-"), workThread.get());
      ReactorRunner.waitFor("defersFinished", r::defersFinished);
    }
  }

  @Test
  void deferFailuresGoToTheErrbackOrElseTheErrorHandler() {
    Reactor r = new Reactor();
    CompletableFuture<String> handled = new CompletableFuture<>();
    r.setErrorHandler((error, callback) -> handled.complete(error.getMessage() + "@" + callback));
    try (ReactorRunner runner = new ReactorRunner(r)) {
      assertTrue(runner.reactor.isRunning());
      CompletableFuture<Throwable> errback = new CompletableFuture<>();
      AtomicBoolean onLoop = new AtomicBoolean();
      r.defer(() -> {
        throw new java.io.IOException("disk gone");
      }, v -> {}, e -> {
        onLoop.set(r.inReactorThread());
        errback.complete(e);
      });
      assertEquals("disk gone", errback.join().getMessage());
      assertTrue(onLoop.get());
      r.defer(() -> {
        throw new java.io.IOException("nobody listens");
      }, v -> {});
      assertTrue(handled.join().startsWith("nobody listens@"), handled.join());
    }
  }

  @Test
  void deferPoolIsBoundedBySize() throws Exception {
    Reactor r = new Reactor("bounded");
    r.setThreadPoolSize(2);
    try (ReactorRunner runner = new ReactorRunner(r)) {
      assertTrue(runner.reactor.isRunning());
      AtomicInteger running = new AtomicInteger();
      AtomicInteger peak = new AtomicInteger();
      CountDownLatch all = new CountDownLatch(6);
      for (int i = 0; i < 6; i++) {
        r.defer(() -> {
          int now = running.incrementAndGet();
          peak.accumulateAndGet(now, Math::max);
          Thread.sleep(20); // simulated blocking work
          running.decrementAndGet();
          return null;
        }, v -> all.countDown());
      }
      ReactorRunner.await(all);
      assertEquals(2, peak.get());
    }
  }

  @Test
  void profilingCountsCallsAndCanBeTurnedOff() {
    Reactor r = new Reactor();
    try (ReactorRunner runner = new ReactorRunner(r)) {
      CountDownLatch ticks = new CountDownLatch(3);
      Runnable tick = ticks::countDown;
      runner.run(() -> {
        r.setProfiling(true);
        r.addPeriodicTimer(Duration.ofMillis(2), tick);
      });
      ReactorRunner.await(ticks);
      List<CallbackProfile> profile = runner.call(() -> {
        r.setProfiling(false);
        return r.profile();
      });
      CallbackProfile timer = profile.stream()
          .filter(p -> p.callback().startsWith(tick.getClass().getName())
              && p.callback().endsWith(".timer"))
          .findFirst().orElseThrow(() -> new AssertionError(profile.toString()));
      assertTrue(timer.calls() >= 3, timer.toString());
      assertTrue(timer.cpuNanos() >= 0, timer.toString());
      AtomicLong callsLater = new AtomicLong();
      runner.run(() -> {});
      callsLater.set(runner.call(r::profile).stream()
          .filter(p -> p.callback().equals(timer.callback())).findFirst().orElseThrow().calls());
      // Profiling is off: the periodic timer keeps firing but is no longer counted.
      CountDownLatch more = new CountDownLatch(1);
      runner.run(() -> r.addTimer(Duration.ofMillis(20), more::countDown));
      ReactorRunner.await(more);
      long finalCalls = runner.call(r::profile).stream()
          .filter(p -> p.callback().equals(timer.callback())).findFirst().orElseThrow().calls();
      assertEquals(callsLater.get(), finalCalls);
      runner.run(r::resetProfile);
      assertSame(0, runner.call(r::profile).size());
    }
  }
}
