package dev.tether.reactor.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompletionTest {
  @Test
  void statesRunTheirCallbacksOnceInOrderThenCompletionCallbacks() {
    List<String> events = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        Completion<String> c = new Completion<>(r);
        assertEquals(Completion.UNKNOWN, c.state());
        c.stateful("connected", v -> events.add("connected1:" + v));
        c.stateful("connected", v -> events.add("connected2:" + v));
        c.stateful("never", v -> events.add("never"));
        c.callback(v -> events.add("succeeded:" + v + (r.inReactorThread() ? "" : "!thread")));
        c.errback(e -> events.add("errback"));
        c.completion(done -> events.add("completion:" + done.state() + ":" + done.value()));
        c.changeState("connected", "a");
        assertEquals("connected", c.state());
        assertFalse(c.isCompleted());
        c.stateful("connected", v -> events.add("now:" + v));
        c.changeState("connected", "b"); // the callbacks ran once and are gone
        c.succeed("done");
        assertTrue(c.isCompleted());
        c.callback(v -> events.add("late:" + v));
        c.completion(done -> events.add("late completion"));
        c.stateful("never", v -> events.add("never after completion"));
        c.errback(e -> events.add("late errback"));
      });
    }
    assertEquals(List.of("connected1:a", "connected2:a", "now:a", "succeeded:done",
        "completion:succeeded:done", "late:done", "late completion"), events);
  }

  @Test
  void failureRunsErrbacksAndCompletionAndForbidsAFurtherChange() {
    List<String> events = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> {
        Completion<String> c = new Completion<>(runner.reactor);
        c.callback(v -> events.add("callback"));
        c.errback(e -> events.add("errback:" + e.getMessage()));
        c.completion(done -> events.add("completion:" + done.state()));
        c.fail(new IOException("down"));
        assertEquals(Completion.FAILED, c.state());
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> c.changeState("again", "x"));
        assertEquals("completion already failed with java.io.IOException: down"
            + " (expected: not completed to enter again)", e.getMessage());
        assertThrows(IllegalStateException.class, () -> c.succeed("x"));
        assertThrows(IllegalArgumentException.class, () -> c.changeState(Completion.FAILED, "x"));
        assertThrows(IllegalArgumentException.class,
            () -> c.stateful(Completion.FAILED, v -> { }));
      });
    }
    assertEquals(List.of("errback:down", "completion:failed"), events);
  }

  @Test
  void timeoutFailsAnUncompletedCompletionAndCancelTimeoutStopsIt() {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch end = new CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        Completion<String> slow = new Completion<String>(r).timeout(Duration.ofMillis(10));
        slow.changeState("halfway", "h"); // a state change is not a completion
        slow.errback(e -> events.add("slow:" + e.getClass().getSimpleName()));
        Completion<String> cancelled = new Completion<String>(r).timeout(Duration.ofMillis(10));
        cancelled.cancelTimeout();
        cancelled.errback(e -> events.add("cancelled failed"));
        r.addTimer(Duration.ofMillis(60), () -> {
          events.add("end:" + cancelled.state());
          end.countDown();
        });
      });
      ReactorRunner.await(end);
    }
    assertEquals(List.of("slow:DeferrableTimeoutException", "end:unknown"), events);
  }

  @Test
  void offTheLoopThrows() {
    try (ReactorRunner runner = new ReactorRunner()) {
      Completion<String> c = new Completion<>(runner.reactor);
      assertThrows(ReactorException.class, () -> c.succeed("x"));
      assertThrows(ReactorException.class, c::state);
    }
  }
}
