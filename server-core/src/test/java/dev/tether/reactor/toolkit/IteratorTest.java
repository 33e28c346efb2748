package dev.tether.reactor.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IteratorTest {
  /** Counts the items in progress and the most seen at once; items finish on timers. */
  private static final class Tracker {
    int running;
    int max;
    int pulled;
    int done;
    final List<String> events = new CopyOnWriteArrayList<>();

    void begin(Reactor r, Object item) {
      running++;
      max = Math.max(max, running);
      events.add("start " + item + (r.inReactorThread() ? "" : "!thread"));
    }

    void end() {
      running--;
      done++;
    }

    /** 0..n-1, pulled one at a time; records how far the iterator has pulled. */
    Iterable<Integer> items(int n) {
      return () -> new java.util.Iterator<>() {
        int next;

        @Override
        public boolean hasNext() {
          return next < n;
        }

        @Override
        public Integer next() {
          pulled++;
          return next++;
        }
      };
    }
  }

  @Test
  void eachKeepsToTheConcurrencyLimitPullsLazilyAndRunsAfterOnce() {
    Tracker t = new Tracker();
    AtomicInteger afters = new AtomicInteger();
    AtomicInteger overPulled = new AtomicInteger();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      Iterator<Integer> iter = runner.call(() -> new Iterator<>(r, t.items(20), 3));
      int startedInsideEach = runner.call(() -> {
        iter.each((item, step) -> {
          t.begin(r, item);
          // Nothing is pulled ahead: only as many as are done plus the limit.
          if (t.pulled > t.done + 3) {
            overPulled.incrementAndGet();
          }
          r.addTimer(Duration.ofMillis(1 + item % 4), () -> {
            t.end();
            step.next();
          });
        }, afters::incrementAndGet);
        return t.events.size();
      });
      assertEquals(0, startedInsideEach);
      ReactorRunner.waitFor("after-all callback", () -> afters.get() == 1);
      assertEquals(20, t.events.size());
      assertTrue(t.events.stream().noneMatch(e -> e.endsWith("!thread")), t.events.toString());
      assertEquals(3, runner.call(() -> t.max));
      assertEquals(0, overPulled.get());
      assertTrue(runner.call(iter::isFinished));
      assertEquals(0, (int) runner.call(iter::active));
      runner.run(() -> { }); // one more turn: after must not run again
      assertEquals(1, afters.get());
    }
  }

  @Test
  void theNextItemStartsOnlyAfterNext() {
    List<Iterator.Step> held = new CopyOnWriteArrayList<>();
    List<Integer> started = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Iterator<Integer> iter = runner.call(
          () -> new Iterator<>(runner.reactor, List.of(0, 1, 2, 3), 2));
      runner.run(() -> iter.each((item, step) -> {
        started.add(item);
        held.add(step);
      }));
      ReactorRunner.waitFor("two started", () -> started.size() == 2);
      runner.run(() -> { });
      runner.run(() -> { });
      assertEquals(List.of(0, 1), started); // nothing more without next()
      runner.run(() -> held.get(1).next());
      ReactorRunner.waitFor("third started", () -> started.size() == 3);
      IllegalStateException twice = assertThrows(IllegalStateException.class,
          () -> runner.run(() -> held.get(1).next()));
      assertEquals("item 1 signalled done twice (expected: one next() or ret() per item)",
          twice.getMessage());
      assertThrows(ReactorException.class, () -> held.get(0).next());
      assertEquals(2, (int) runner.call(iter::active));
    }
  }

  @Test
  void mapGivesResultsInItemOrderWhateverOrderTheyAnswerIn() {
    AtomicReference<List<String>> results = new AtomicReference<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      List<Integer> items = IntStream.range(0, 8).boxed().toList();
      runner.run(() -> new Iterator<>(r, items, 8).<String>map((item, ret) ->
          // later items answer first
          r.addTimer(Duration.ofMillis(2L * (8 - item)), () -> ret.ret("v" + item)),
          results::set));
      ReactorRunner.waitFor("map results", () -> results.get() != null);
      assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"), results.get());
    }
  }

  @Test
  void injectWithConcurrencyOneIsAStrictLeftFold() {
    AtomicReference<String> result = new AtomicReference<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> new Iterator<>(r, List.of("a", "b", "c", "d"), 1).inject("",
          (memo, item, ret) -> r.addTimer(Duration.ofMillis(1), () -> ret.ret(memo + item)),
          result::set));
      ReactorRunner.waitFor("inject result", () -> result.get() != null);
      assertEquals("abcd", result.get());
    }
  }

  @Test
  void raisingTheConcurrencyWhileRunningHandsOutMoreItems() {
    Tracker t = new Tracker();
    List<Iterator.Step> held = new ArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      Iterator<Integer> iter = runner.call(() -> new Iterator<>(r, t.items(10), 1));
      runner.run(() -> iter.each((item, step) -> {
        t.begin(r, item);
        held.add(step);
      }));
      ReactorRunner.waitFor("one started", () -> runner.call(() -> held.size()) == 1);
      runner.run(() -> iter.setConcurrency(4));
      ReactorRunner.waitFor("four started", () -> runner.call(() -> held.size()) == 4);
      runner.run(() -> { });
      assertEquals(4, (int) runner.call(() -> held.size()));
      runner.run(() -> {
        iter.setConcurrency(2);
        held.get(0).next();
        held.get(1).next();
      });
      runner.run(() -> { });
      runner.run(() -> { });
      assertEquals(4, (int) runner.call(() -> held.size()), "2 running, limit 2: none new");
      runner.run(() -> held.get(2).next());
      ReactorRunner.waitFor("fifth started", () -> runner.call(() -> held.size()) == 5);
    }
  }

  @Test
  void anEmptyListFinishesAtOnceAndAnIteratorRunsOnce() {
    AtomicInteger afters = new AtomicInteger();
    try (ReactorRunner runner = new ReactorRunner()) {
      Iterator<String> iter = runner.call(() -> new Iterator<>(runner.reactor, List.of(), 2));
      runner.run(() -> iter.each((item, step) -> { }, afters::incrementAndGet));
      ReactorRunner.waitFor("after", () -> afters.get() == 1);
      IllegalStateException again = assertThrows(IllegalStateException.class,
          () -> runner.run(() -> iter.each((item, step) -> { })));
      assertTrue(again.getMessage().startsWith("this Iterator ran already"));
      assertThrows(ReactorException.class, () -> iter.each((item, step) -> { }));
      assertThrows(ReactorException.class, () -> iter.setConcurrency(3));
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
          () -> runner.run(() -> iter.setConcurrency(0)));
      assertEquals("concurrency : 0 (expected: > 0)", bad.getMessage());
      assertFalse(runner.call(() -> iter.active() > 0));
    }
  }
}
