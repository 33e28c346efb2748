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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PoolTest {
  @Test
  void aBusyResourceRemovedAndAddedBackIsNotLentTwice() {
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        Pool<String> pool = new Pool<>(r, 10);
        pool.add("a");
        List<Deferrable<String>> running = new ArrayList<>();
        List<String> lent = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          pool.<String>perform(resource -> {
            lent.add(resource);
            Deferrable<String> work = new Deferrable<>(r);
            running.add(work);
            return work;
          });
        }
        assertTrue(pool.remove("a")); // busy with the first work
        pool.add("a"); // back while still busy: not free, the second work still waits
        assertEquals(List.of("a"), lent);
        assertEquals(0, pool.numFree());
        assertEquals(1, pool.numWaiting());
        running.get(0).succeed("done"); // now free: the second work gets it, once
        assertEquals(List.of("a", "a"), lent);
        assertEquals(0, pool.numWaiting());
        running.get(1).succeed("done");
        assertEquals(1, pool.numFree());
        assertEquals(List.of("a"), pool.contents());
      });
    }
  }

  @Test
  void workWaitsInOrderUntilAResourceIsFreeAndNeverExceedsTheResources() {
    List<String> events = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        Pool<String> pool = new Pool<>(r, 10);
        pool.add("a");
        pool.add("b");
        List<Deferrable<String>> running = new ArrayList<>();
        int[] busy = {0};
        int[] peak = {0};
        for (int i = 0; i < 5; i++) {
          int n = i;
          pool.<String>perform(resource -> {
            busy[0]++;
            peak[0] = Math.max(peak[0], busy[0]);
            events.add(n + "@" + resource + (r.inReactorThread() ? "" : "!thread"));
            Deferrable<String> work = new Deferrable<>(r);
            work.both(() -> busy[0]--);
            running.add(work);
            return work;
          }).callback(v -> events.add("result " + v));
        }
        assertEquals(3, pool.numWaiting());
        assertEquals(0, pool.numFree());
        running.get(1).succeed("w1"); // b free: work 2 gets it
        assertEquals(2, pool.numWaiting());
        running.get(0).succeed("w0"); // a free: work 3
        running.get(2).succeed("w2"); // b: work 4
        running.get(3).succeed("w3");
        running.get(4).succeed("w4");
        assertEquals(0, pool.numWaiting());
        assertEquals(2, pool.numFree());
        assertEquals(List.of("a", "b"), pool.contents());
        assertEquals(2, peak[0]);
      });
    }
    // The freed resource goes to the next work before the finished work's result is delivered.
    assertEquals(List.of("0@a", "1@b", "2@b", "result w1", "3@a", "result w0", "4@b",
        "result w2", "result w3", "result w4"), events);
  }

  @Test
  void aResourceWhoseWorkFailsLeavesThePoolAndOnErrorMayPutItBack() {
    List<String> events = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        Pool<String> pool = new Pool<>(r, 10);
        pool.add("flaky");
        pool.add("solid");
        pool.onError((resource, error) -> {
          events.add("onError " + resource + ": " + error.getMessage());
          if (resource.equals("solid")) {
            pool.add(resource);
          }
        });
        Deferrable<String> failing = new Deferrable<>(r);
        pool.<String>perform(resource -> failing)
            .errback(e -> events.add("work failed: " + e.getMessage()));
        pool.<String>perform(resource -> {
          throw new IllegalStateException("thrown on " + resource);
        }).errback(e -> events.add("work failed: " + e.getMessage()));
        failing.fail(new IOException("flaky broke"));
        assertEquals(List.of("solid"), pool.contents());
        pool.<String>perform(resource -> null)
            .errback(e -> events.add("null work: " + e.getClass().getSimpleName()));
        pool.perform(resource -> {
          events.add("served by " + resource);
          Deferrable<String> ok = new Deferrable<>(r);
          ok.succeed("fine");
          return ok;
        });
        assertEquals(List.of("solid"), pool.contents());
      });
    }
    assertEquals(List.of("onError solid: thrown on solid", "work failed: thrown on solid",
        "onError flaky: flaky broke", "work failed: flaky broke",
        "onError solid: the deferrable the work returned", "null work: NullPointerException",
        "served by solid"), events);
  }

  @Test
  void theWaitingQueueIsBoundedWithAClearError() {
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        Pool<String> pool = new Pool<>(r, 2);
        pool.perform(resource -> new Deferrable<String>(r));
        pool.perform(resource -> new Deferrable<String>(r));
        BacklogFullException e = assertThrows(BacklogFullException.class,
            () -> pool.perform(resource -> new Deferrable<String>(r)));
        assertEquals("pool work waiting for 0 resources: 2 held + 1 added exceeds limit 2",
            e.getMessage());
        assertEquals(2, pool.numWaiting());
      });
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Pool<String>(r, 0));
      assertEquals("maxWaiting : 0 (expected: > 0)", e.getMessage());
    }
  }

  @Test
  void aBusyResourceRemovedIsNotLentAgainAndTimedOutWorkRemovesItsResource() {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch timedOut = new CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      Pool<String> pool = new Pool<>(r, 10);
      runner.run(() -> {
        pool.add("a");
        Deferrable<String> first = new Deferrable<>(r);
        pool.<String>perform(resource -> first);
        pool.<String>perform(resource -> {
          events.add("second on " + resource);
          // Work that times out fails: its resource leaves the pool.
          return new Deferrable<String>(r).timeout(Duration.ofMillis(5));
        }).errback(e -> timedOut.countDown());
        assertTrue(pool.remove("a"));
        assertFalse(pool.remove("a"));
        first.succeed("done");
        assertEquals(List.of(), pool.contents());
        assertEquals(1, pool.numWaiting());
        pool.add("b");
        assertEquals(0, pool.numWaiting());
        pool.<String>perform(resource -> new Deferrable<>(r));
      });
      ReactorRunner.await(timedOut);
      assertEquals(List.of("second on b"), events);
      assertEquals(List.of(), runner.call(pool::contents));
      assertEquals(1, (int) runner.call(pool::numWaiting));
      assertThrows(ReactorException.class, () -> pool.add("c"));
    }
  }
}
