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
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpawnedTest {
  @Test
  void messagesRunTheBodyInOrderOnALaterTickOnTheLoopThread() {
    List<String> got = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      Spawned<String> proc = Spawned.spawn(r,
          (String m) -> got.add(m + (r.inReactorThread() ? "" : "!thread")));
      assertTrue(proc.notify("from test thread"));
      ReactorRunner.waitFor("first message", () -> got.size() == 1);
      int ranInside = runner.call(() -> {
        proc.notify("a");
        proc.notify("b");
        return got.size() - 1;
      });
      assertEquals(0, ranInside);
      ReactorRunner.waitFor("three messages", () -> got.size() == 3);
      assertEquals(List.of("from test thread", "a", "b"), got);
      assertEquals(0, proc.mailboxSize());
    }
  }

  @Test
  void receiveChangesWhatTheNextMessageDoes() {
    List<String> got = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      BiConsumer<Spawned<String>, String> closed = new BiConsumer<>() {
        @Override
        public void accept(Spawned<String> self, String m) {
          got.add("closed:" + m);
          if (m.equals("open")) {
            self.receive((s, m2) -> {
              got.add("open:" + m2);
              if (m2.equals("close")) {
                s.receive(this);
              }
            });
          }
        }
      };
      Spawned<String> door = Spawned.spawn(runner.reactor, 16, closed);
      for (String m : List.of("push", "open", "walk", "close", "walk")) {
        door.notify(m);
      }
      ReactorRunner.waitFor("five messages", () -> got.size() == 5);
      assertEquals(List.of("closed:push", "closed:open", "open:walk", "open:close",
          "closed:walk"), got);
      assertThrows(ReactorException.class, () -> door.receive(closed));
    }
  }

  @Test
  void aDeadProcessReceivesNothingMoreAndAThrowingBodyKeepsItAlive() {
    List<String> got = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> r.setErrorHandler((error, callback) -> errors.add(error)));
      Spawned<String> proc = Spawned.spawn(r, 16, (self, m) -> {
        if (m.equals("boom")) {
          throw new IllegalStateException("body failed on " + m);
        }
        got.add(m);
        if (m.equals("last")) {
          self.die();
        }
      });
      runner.run(() -> {
        proc.notify("boom");
        proc.notify("one");
        proc.notify("last");
        proc.notify("queued before die: dropped");
      });
      ReactorRunner.waitFor("mailbox drained", () -> proc.mailboxSize() == 0);
      assertEquals(List.of("one", "last"), got);
      assertEquals("body failed on boom", errors.get(0).getMessage());
      assertFalse(proc.isAlive());
      assertFalse(proc.notify("after die"));
      runner.run(() -> { });
      assertEquals(List.of("one", "last"), got);
    }
  }

  @Test
  void theMailboxIsBoundedAndBadInputRefused() {
    List<Integer> got = new CopyOnWriteArrayList<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Spawned<Integer> proc = Spawned.spawn(runner.reactor, 2, (self, m) -> got.add(m));
      BacklogFullException full = runner.call(() -> {
        proc.notify(1);
        proc.notify(2);
        return assertThrows(BacklogFullException.class, () -> proc.notify(3));
      });
      assertEquals("spawned process mailbox: 2 held + 1 added exceeds limit 2",
          full.getMessage());
      ReactorRunner.waitFor("two messages", () -> got.size() == 2);
      proc.notify(4);
      ReactorRunner.waitFor("third message", () -> got.size() == 3);
      assertEquals(List.of(1, 2, 4), got);
      assertThrows(NullPointerException.class, () -> proc.notify(null));
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
          () -> Spawned.spawn(runner.reactor, 0, (s, m) -> { }));
      assertEquals("maxMailbox : 0 (expected: > 0)", bad.getMessage());
    }
  }
}
