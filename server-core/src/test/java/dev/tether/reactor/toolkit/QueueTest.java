package dev.tether.reactor.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueueTest {
  @Test
  void waitingCallbacksAreServedInOrderAsItemsArriveOnALaterTick() {
    List<String> got = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      Queue<String> queue = runner.call(() -> new Queue<>(r));
      int servedInside = runner.call(() -> {
        for (String name : List.of("p1", "p2", "p3")) {
          queue.pop(item -> got.add(name + "=" + item + (r.inReactorThread() ? "" : "!thread")));
        }
        assertEquals(3, queue.numWaiting());
        queue.push("a", "b");
        assertEquals(1, queue.numWaiting());
        assertTrue(queue.isEmpty());
        return got.size();
      });
      assertEquals(0, servedInside);
      ReactorRunner.waitFor("two pops served", () -> got.size() == 2);
      assertEquals(List.of("p1=a", "p2=b"), got);
      runner.run(() -> queue.push("c", "d"));
      ReactorRunner.waitFor("third pop served", () -> got.size() == 3);
      assertEquals("p3=c", got.get(2));
      assertEquals(1, (int) runner.call(queue::size));
      assertEquals(0, (int) runner.call(queue::numWaiting));
      runner.run(() -> {
        queue.push("e");
        queue.pop(got::add);
        queue.pop(got::add);
        assertEquals(0, queue.size());
      });
      ReactorRunner.waitFor("queued items popped", () -> got.size() == 5);
      assertEquals(List.of("d", "e"), got.subList(3, 5));
    }
  }

  @Test
  void pushesFromOtherThreadsAllArriveOnceInEachThreadsOrder() throws InterruptedException {
    List<Integer> got = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Queue<Integer> queue = runner.call(() -> new Queue<>(runner.reactor));
      Consumer<Integer> consumer = new Consumer<>() {
        @Override
        public void accept(Integer item) {
          got.add(item);
          queue.pop(this); // EventMachine's idiom: pop again from the callback
        }
      };
      runner.run(() -> queue.pop(consumer));
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 10_000;
        threads.add(new Thread(() -> {
          for (int i = 0; i < 1000; i += 2) {
            queue.push(base + i, base + i + 1);
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        thread.join();
      }
      ReactorRunner.waitFor("4000 items", () -> got.size() == 4000);
      for (int t = 0; t < 4; t++) {
        int slice = t;
        List<Integer> mine = got.stream().filter(m -> m / 10_000 == slice).toList();
        for (int i = 0; i < 1000; i++) {
          assertEquals(slice * 10_000 + i, mine.get(i));
        }
      }
      assertEquals(1, (int) runner.call(queue::numWaiting));
    }
  }

  @Test
  void itemsAndWaitersAreBounded() {
    List<String> got = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Queue<String> queue = runner.call(() -> new Queue<>(runner.reactor, 2, 1));
      queue.push("a"); // from this thread: admitted before it reaches the loop
      BacklogFullException items = assertThrows(BacklogFullException.class,
          () -> queue.push("b", "c"));
      assertEquals("queue items: 1 held + 2 added exceeds limit 2", items.getMessage());
      runner.run(() -> {
        queue.push("b");
        queue.pop(got::add);
        queue.pop(got::add);
        queue.pop(got::add);
        BacklogFullException waiters = assertThrows(BacklogFullException.class,
            () -> queue.pop(got::add));
        assertEquals("queue waiting callbacks: 1 held + 1 added exceeds limit 1",
            waiters.getMessage());
        queue.push("c", "d");
      });
      ReactorRunner.waitFor("three items", () -> got.size() == 3);
      assertEquals(List.of("a", "b", "c"), got);
      assertEquals(1, (int) runner.call(queue::size));
    }
  }

  @Test
  void badInputAndWrongThreadAreRefusedClearly() {
    try (ReactorRunner runner = new ReactorRunner()) {
      Queue<String> queue = runner.call(() -> new Queue<>(runner.reactor));
      ReactorException wrong = assertThrows(ReactorException.class, () -> queue.pop(s -> { }));
      assertTrue(wrong.getMessage().startsWith("Queue.pop: called on thread "));
      assertThrows(ReactorException.class, queue::size);
      NullPointerException nul = assertThrows(NullPointerException.class,
          () -> queue.push((String) null));
      assertEquals("items[0] is null (expected: non-null items)", nul.getMessage());
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
          () -> new Queue<String>(runner.reactor, 1, -2));
      assertEquals("maxWaiting : -2 (expected: > 0)", bad.getMessage());
    }
  }
}
