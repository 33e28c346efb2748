package dev.tether.reactor.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TickLoopTest {
  @Test
  void runsOncePerTickUntilTheBodySaysStopThenTheOnStopCallbacksOnce() {
    List<String> events = new CopyOnWriteArrayList<>();
    AtomicInteger otherTicks = new AtomicInteger();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      TickLoop loop = runner.call(() -> {
        AtomicInteger n = new AtomicInteger();
        TickLoop made = new TickLoop(r, () -> {
          events.add("tick " + n.incrementAndGet() + " other " + otherTicks.get()
              + (r.inReactorThread() ? "" : "!thread"));
          return n.get() < 5;
        });
        made.onStop(() -> events.add("stopped early"));
        assertTrue(made.isStopped()); // created stopped: onStop then runs on the next tick
        assertTrue(events.isEmpty());
        return made;
      });
      ReactorRunner.waitFor("stopped early", () -> events.contains("stopped early"));
      events.clear();
      runner.run(() -> {
        loop.onStop(() -> events.add("stopped A"));
        loop.start();
        loop.onStop(() -> events.add("stopped B"));
        // Another task chain that yields every tick: the loop must not starve it.
        Runnable other = new Runnable() {
          @Override
          public void run() {
            if (otherTicks.incrementAndGet() < 100) {
              r.nextTick(this);
            }
          }
        };
        r.nextTick(other);
        assertFalse(loop.isStopped());
        assertTrue(events.isEmpty(), "nothing runs inside start()");
      });
      ReactorRunner.waitFor("stopped B", () -> events.contains("stopped B"));
      runner.run(() -> { });
      assertEquals(List.of("stopped A", "tick 1 other 0", "tick 2 other 1", "tick 3 other 2",
          "tick 4 other 3", "tick 5 other 4", "stopped B"), events);
      assertTrue(runner.call(loop::isStopped));
    }
  }

  @Test
  void stopFromOutsideTheBodyEndsItAndItCanStartAgain() {
    AtomicInteger ticks = new AtomicInteger();
    AtomicInteger stops = new AtomicInteger();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      TickLoop loop = runner.call(() -> new TickLoop(r, () -> {
        ticks.incrementAndGet();
        return true;
      }).start());
      ReactorRunner.waitFor("some ticks", () -> ticks.get() > 10);
      runner.run(() -> {
        loop.onStop(stops::incrementAndGet);
        loop.stop();
        loop.stop(); // idempotent: callbacks once
      });
      int atStop = ticks.get();
      ReactorRunner.waitFor("on-stop callback", () -> stops.get() == 1);
      runner.run(() -> { });
      assertEquals(atStop, ticks.get());
      assertEquals(1, stops.get());
      AtomicInteger turns = new AtomicInteger();
      int[] from = new int[1];
      runner.run(() -> {
        loop.start();
        loop.stop();
        loop.start(); // the pending tick serves the restarted loop: no second chain
        from[0] = ticks.get();
        Runnable counter = new Runnable() {
          @Override
          public void run() {
            if (turns.incrementAndGet() < 200) {
              r.nextTick(this);
            } else {
              loop.stop();
            }
          }
        };
        r.nextTick(counter);
      });
      ReactorRunner.waitFor("200 turns", () -> turns.get() == 200);
      int ran = runner.call(() -> ticks.get() - from[0]);
      assertTrue(Math.abs(ran - 200) <= 1, "one tick per turn, not two chains: " + ran);
      runner.run(loop::stop);
    }
  }

  @Test
  void aBodyThatThrowsStopsTheLoopAndTheErrorGoesToTheHandler() {
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    AtomicInteger stops = new AtomicInteger();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      TickLoop loop = runner.call(() -> {
        r.setErrorHandler((error, callback) -> errors.add(error));
        TickLoop made = new TickLoop(r, () -> {
          throw new IllegalStateException("body failed");
        });
        made.start().onStop(stops::incrementAndGet);
        return made;
      });
      ReactorRunner.waitFor("stopped", () -> stops.get() == 1);
      assertEquals("body failed", errors.get(0).getMessage());
      assertTrue(runner.call(loop::isStopped));
      ReactorException wrong = assertThrows(ReactorException.class, loop::start);
      assertTrue(wrong.getMessage().startsWith("TickLoop.start: called on thread "));
      assertThrows(NullPointerException.class, () -> new TickLoop(r, null));
    }
  }
}
