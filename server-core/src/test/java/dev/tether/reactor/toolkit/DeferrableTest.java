package dev.tether.reactor.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeferrableTest {
  @Test
  void callbacksRunInOrderOnTheLoopAndOneAddedAfterSuccessRunsAtOnce() {
    List<String> events = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        Deferrable<String> d = new Deferrable<>(r);
        d.callback(v -> events.add("1:" + v + (r.inReactorThread() ? "" : "!thread")));
        d.errback(e -> events.add("errback"));
        d.callback(v -> {
          events.add("2:" + v);
          // Added while the callbacks run: runs at once, before 3.
          d.callback(w -> events.add("nested:" + w));
        });
        d.callback(v -> events.add("3:" + v));
        assertFalse(d.isDone());
        d.succeed("v");
        assertTrue(d.isDone());
        assertTrue(d.isSucceeded());
        events.add("after succeed");
        d.callback(v -> events.add("late:" + v));
        d.errback(e -> events.add("late errback"));
        events.add("after late");
      });
    }
    assertEquals(List.of("1:v", "2:v", "nested:v", "3:v", "after succeed", "late:v",
        "after late"), events);
  }

  @Test
  void errbacksRunInOrderWithTheErrorAndCallbacksNever() {
    List<String> events = new CopyOnWriteArrayList<>();
    IOException boom = new IOException("boom");
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> {
        Deferrable<String> d = new Deferrable<>(runner.reactor);
        d.callback(v -> events.add("callback"));
        d.errback(e -> events.add("1:" + e.getMessage()));
        d.errback(e -> assertSame(boom, e));
        d.errback(e -> events.add("2:" + e.getMessage()));
        d.fail(boom);
        d.errback(e -> events.add("late:" + e.getMessage()));
        assertTrue(d.isFailed());
      });
    }
    assertEquals(List.of("1:boom", "2:boom", "late:boom"), events);
  }

  @Test
  void aSecondCompletionThrowsNamingTheStateAndTryVariantsSayFalse() {
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> {
        Deferrable<String> d = new Deferrable<>(runner.reactor);
        d.succeed("first");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.fail(
            new IOException("x")));
        assertEquals("deferrable already succeeded with first (expected: pending to fail)",
            e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> d.succeed("second"));
        assertEquals("deferrable already succeeded with first (expected: pending to succeed)",
            e.getMessage());
        assertFalse(d.trySucceed("third"));
        assertFalse(d.tryFail(new IOException("y")));
        List<String> seen = new CopyOnWriteArrayList<>();
        d.callback(seen::add);
        assertEquals(List.of("first"), seen);
      });
    }
  }

  @Test
  void aThrowingCallbackGoesToTheErrorHandlerAndTheOthersStillRun() {
    List<String> events = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        r.setErrorHandler((error, callback) -> events.add("handler:" + error.getMessage()));
        Deferrable<Integer> d = new Deferrable<>(r);
        d.callback(v -> events.add("1"));
        d.callback(v -> {
          throw new IllegalArgumentException("bad callback");
        });
        d.callback(v -> events.add("3"));
        d.succeed(7);
        events.add("succeed returned");
      });
    }
    assertEquals(List.of("1", "handler:bad callback", "3", "succeed returned"), events);
  }

  @Test
  void timeoutFailsOnTheLoopAndCompletionOrCancelTimeoutStopsIt() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch end = new CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      int baseline = runner.call(r::pendingTimers);
      runner.run(() -> {
        Deferrable<String> timesOut = new Deferrable<>(r);
        timesOut.errback(e -> events.add("timed out: " + e.getClass().getSimpleName() + " "
            + ((DeferrableTimeoutException) e).timeout().toMillis()
            + (r.inReactorThread() ? "" : "!thread")));
        long start = System.nanoTime();
        timesOut.timeout(Duration.ofMillis(20));
        timesOut.errback(e -> events.add("late? " + (System.nanoTime() - start
            >= TimeUnit.MILLISECONDS.toNanos(20))));
        Deferrable<String> cancelled = new Deferrable<String>(r).timeout(Duration.ofMillis(20));
        cancelled.errback(e -> events.add("cancelled one failed"));
        cancelled.cancelTimeout();
        Deferrable<String> succeeded = new Deferrable<String>(r).timeout(Duration.ofMillis(20));
        succeeded.errback(e -> events.add("succeeded one failed"));
        succeeded.succeed("ok");
        // A timeout that fires after the deferrable's outcome cannot change it: replaced here.
        Deferrable<String> replaced = new Deferrable<String>(r).timeout(Duration.ofMillis(10));
        replaced.timeout(Duration.ofMillis(30));
        replaced.errback(e -> events.add("replaced after "
            + ((DeferrableTimeoutException) e).timeout().toMillis()));
        r.addTimer(Duration.ofMillis(80), () -> {
          events.add("end " + cancelled.isDone());
          assertFalse(timesOut.trySucceed("too late"));
          end.countDown();
        });
      });
      ReactorRunner.await(end);
      assertEquals(baseline, (int) runner.call(r::pendingTimers));
    }
    assertEquals(List.of("timed out: DeferrableTimeoutException 20", "late? true",
        "replaced after 30", "end false"), events);
  }

  @Test
  void everyMethodOffTheLoopThrowsReactorException() {
    try (ReactorRunner runner = new ReactorRunner()) {
      Deferrable<String> d = new Deferrable<>(runner.reactor);
      ReactorException e = assertThrows(ReactorException.class, () -> d.callback(v -> { }));
      assertTrue(e.getMessage().contains("(expected: the reactor thread test-reactor)"),
          e.getMessage());
      assertThrows(ReactorException.class, () -> d.succeed("x"));
      assertThrows(ReactorException.class, () -> d.fail(new IOException()));
      assertThrows(ReactorException.class, () -> d.timeout(Duration.ofSeconds(1)));
      assertThrows(ReactorException.class, d::isDone);
      assertThrows(ReactorException.class, d::toCompletableFuture);
      assertFalse(runner.call(d::isDone));
    }
  }

  @Test
  void toCompletableFutureIsWaitedOnFromAnyThread() throws Exception {
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      Deferrable<String> ok = new Deferrable<>(r);
      Deferrable<String> bad = new Deferrable<>(r);
      CompletableFuture<String> okFuture = runner.call(ok::toCompletableFuture);
      CompletableFuture<String> badFuture = runner.call(bad::toCompletableFuture);
      assertFalse(okFuture.isDone());
      runner.run(() -> r.addTimer(Duration.ofMillis(10), () -> {
        ok.succeed("value");
        bad.fail(new IOException("broken"));
      }));
      assertEquals("value", okFuture.get(10, TimeUnit.SECONDS));
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> badFuture.get(10, TimeUnit.SECONDS));
      assertEquals("broken", e.getCause().getMessage());
      // A done deferrable gives a done future; cancelling it leaves the deferrable alone.
      CompletableFuture<String> again = runner.call(ok::toCompletableFuture);
      assertEquals("value", again.getNow(null));
      Deferrable<String> pending = new Deferrable<>(r);
      runner.call(pending::toCompletableFuture).cancel(false);
      assertFalse(runner.call(pending::isDone));
    }
  }

  @Test
  void ofCompletesOnTheLoopWhenTheStageCompletesOnAnotherThread() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch both = new CountDownLatch(2);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      CompletableFuture<String> good = new CompletableFuture<>();
      CompletableFuture<String> bad = new CompletableFuture<>();
      runner.run(() -> {
        Deferrable.of(r, good).callback(v -> {
          events.add("good:" + v + (r.inReactorThread() ? "" : "!thread"));
          both.countDown();
        });
        Deferrable.of(r, bad.thenApply(v -> v)).errback(e -> {
          // thenApply wraps the failure in a CompletionException: of() unwraps it.
          events.add("bad:" + e.getClass().getSimpleName() + ":" + e.getMessage()
              + (r.inReactorThread() ? "" : "!thread"));
          both.countDown();
        });
      });
      Thread other = new Thread(() -> {
        good.complete("g");
        bad.completeExceptionally(new IOException("b"));
      }, "completer");
      other.start();
      ReactorRunner.await(both);
      other.join();

      // Already complete, created on the loop: done before of() returns.
      assertEquals("now", runner.call(() -> {
        AtomicReference<String> seen = new AtomicReference<>();
        Deferrable.of(r, CompletableFuture.completedFuture("now")).callback(seen::set);
        return seen.get();
      }));

      // The stage completes after the deferrable timed out: dropped, no error reported.
      List<Throwable> reported = new CopyOnWriteArrayList<>();
      CompletableFuture<String> slow = new CompletableFuture<>();
      CountDownLatch timedOut = new CountDownLatch(1);
      runner.run(() -> {
        r.setErrorHandler((error, callback) -> reported.add(error));
        Deferrable.of(r, slow).timeout(Duration.ofMillis(5)).errback(e -> {
          assertInstanceOf(DeferrableTimeoutException.class, e);
          timedOut.countDown();
        });
      });
      ReactorRunner.await(timedOut);
      slow.complete("late");
      runner.run(() -> { });
      assertEquals(List.of(), reported);
    }
    assertEquals(List.of("good:g", "bad:IOException:b"), events);
  }

  @Test
  void followTakesAnotherDeferrablesOutcome() {
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      assertEquals("x", runner.call(() -> {
        Deferrable<String> source = new Deferrable<>(r);
        Deferrable<String> follower = new Deferrable<String>(r).follow(source);
        AtomicReference<String> seen = new AtomicReference<>();
        follower.callback(seen::set);
        source.succeed("x");
        return seen.get();
      }));
    }
  }
}
