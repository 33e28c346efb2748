package dev.tether.reactor.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChannelTest {
  @Test
  void pushReachesEverySubscriberInOrderOnALaterTickOnTheLoopThread() {
    List<String> first = new CopyOnWriteArrayList<>();
    List<String> second = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      Channel<String> channel = runner.call(() -> new Channel<>(r));
      int deliveredInsidePush = runner.call(() -> {
        channel.subscribe(m -> first.add(m + (r.inReactorThread() ? "" : "!thread")));
        channel.subscribe(m -> second.add(m + (r.inReactorThread() ? "" : "!thread")));
        channel.push("a", "b");
        channel.push("c");
        return first.size() + second.size();
      });
      assertEquals(0, deliveredInsidePush);
      ReactorRunner.waitFor("3 messages each", () -> first.size() == 3 && second.size() == 3);
      assertEquals(List.of("a", "b", "c"), first);
      assertEquals(List.of("a", "b", "c"), second);
      assertEquals(2, (int) runner.call(channel::numSubscribers));
    }
  }

  @Test
  void pushFromOtherThreadsKeepsEachThreadsOrder() throws InterruptedException {
    List<Integer> got = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Channel<Integer> channel = runner.call(() -> new Channel<>(runner.reactor));
      runner.run(() -> channel.subscribe(got::add));
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 10_000;
        threads.add(new Thread(() -> {
          for (int i = 0; i < 1000; i++) {
            channel.push(base + i);
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        thread.join();
      }
      ReactorRunner.waitFor("4000 messages", () -> got.size() == 4000);
      for (int t = 0; t < 4; t++) {
        int base = t * 10_000;
        List<Integer> mine = got.stream().filter(m -> m / 10_000 == base / 10_000).toList();
        assertEquals(1000, mine.size());
        for (int i = 0; i < 1000; i++) {
          assertEquals(base + i, mine.get(i));
        }
      }
    }
  }

  @Test
  void unsubscribingDuringDeliveryStopsLaterDeliveriesAndAThrowingSubscriberHurtsNoOther() {
    List<String> kept = new CopyOnWriteArrayList<>();
    List<String> dropped = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      Channel<String> channel = runner.call(() -> new Channel<>(r));
      runner.run(() -> {
        r.setErrorHandler((error, callback) -> errors.add(error));
        int[] victim = new int[1];
        channel.subscribe(m -> {
          throw new IllegalStateException("subscriber fails on " + m);
        });
        channel.subscribe(m -> {
          kept.add(m);
          channel.unsubscribe(victim[0]);
        });
        victim[0] = channel.subscribe(dropped::add);
        channel.push("x", "y");
      });
      ReactorRunner.waitFor("both messages", () -> kept.size() == 2 && errors.size() == 2);
      assertEquals(List.of("x", "y"), kept);
      assertEquals(List.of(), dropped);
      assertEquals("subscriber fails on x", errors.get(0).getMessage());
      assertEquals(2, (int) runner.call(channel::numSubscribers));
      assertFalse(runner.call(() -> channel.unsubscribe(99)));
    }
  }

  @Test
  void popTakesOneMessageThenUnsubscribes() {
    List<String> popped = new CopyOnWriteArrayList<>();
    List<String> all = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Channel<String> channel = runner.call(() -> new Channel<>(runner.reactor));
      runner.run(() -> {
        channel.pop(popped::add);
        channel.subscribe(all::add);
        assertEquals(2, channel.numSubscribers());
        channel.push("one", "two");
      });
      ReactorRunner.waitFor("two messages", () -> all.size() == 2);
      assertEquals(List.of("one"), popped);
      assertEquals(1, (int) runner.call(channel::numSubscribers));
      int id = runner.call(() -> channel.pop(popped::add));
      assertTrue(runner.call(() -> channel.unsubscribe(id)));
      runner.run(() -> channel.push("three"));
      ReactorRunner.waitFor("three", () -> all.size() == 3);
      assertEquals(List.of("one"), popped);
    }
  }

  @Test
  void undeliveredMessagesAreBounded() {
    List<String> got = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Channel<String> channel = runner.call(() -> new Channel<>(runner.reactor, 3));
      BacklogFullException full = runner.call(() -> {
        channel.subscribe(got::add);
        channel.subscribe(m -> { });
        channel.push("a", "b");
        channel.push("c");
        return assertThrows(BacklogFullException.class, () -> channel.push("d"));
      });
      assertEquals("channel messages: 3 held + 1 added exceeds limit 3", full.getMessage());
      ReactorRunner.waitFor("a b c", () -> got.size() == 3);
      runner.run(() -> channel.push("e", "f", "g"));
      ReactorRunner.waitFor("e f g", () -> got.size() == 6);
      assertEquals(List.of("a", "b", "c", "e", "f", "g"), got);
      // With no subscriber, a push is dropped and holds nothing back.
      runner.run(() -> {
        channel.unsubscribe(1);
        channel.unsubscribe(2);
        for (int i = 0; i < 10; i++) {
          channel.push("gone");
        }
      });
    }
  }

  @Test
  void badInputAndWrongThreadAreRefusedClearly() {
    try (ReactorRunner runner = new ReactorRunner()) {
      Channel<String> channel = runner.call(() -> new Channel<>(runner.reactor));
      ReactorException wrong = assertThrows(ReactorException.class,
          () -> channel.subscribe(m -> { }));
      assertTrue(wrong.getMessage().startsWith("Channel.subscribe: called on thread "),
          wrong.getMessage());
      assertThrows(ReactorException.class, channel::numSubscribers);
      NullPointerException nul = assertThrows(NullPointerException.class,
          () -> channel.push("a", null));
      assertEquals("items[1] is null (expected: non-null items)", nul.getMessage());
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
          () -> new Channel<String>(runner.reactor, 0));
      assertEquals("maxPending : 0 (expected: > 0)", bad.getMessage());
    }
  }
}
