package dev.tether.reactor.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ThreadedResourceTest {
  /** A resource that records which thread made, used and closed it. */
  static final class Recorder implements AutoCloseable {
    final List<String> log = new CopyOnWriteArrayList<>();
    final Thread owner = Thread.currentThread();

    String use(String what) {
      log.add(what + (Thread.currentThread() == owner ? "" : "!thread"));
      return what.toUpperCase();
    }

    @Override
    public void close() {
      log.add("closed" + (Thread.currentThread() == owner ? "" : "!thread"));
    }
  }

  @Test
  void workRunsInOrderOnTheResourceThreadAndResultsComeBackOnTheLoop() throws Exception {
    List<String> results = new CopyOnWriteArrayList<>();
    AtomicReference<Recorder> made = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        ThreadedResource<Recorder> resource = new ThreadedResource<>(r, "recorder", () -> {
          Recorder rec = new Recorder();
          made.set(rec);
          return rec;
        }, 100);
        for (String s : List.of("a", "b", "c")) {
          resource.dispatch(rec -> rec.use(s)).callback(v -> results.add(v
              + (r.inReactorThread() ? "" : "!thread")));
        }
        resource.<String>dispatch(rec -> {
          throw new IllegalArgumentException("bad work");
        }).errback(e -> results.add("failed: " + e.getMessage()));
        resource.dispatch(rec -> rec.use("d")).callback(v -> {
          results.add(v);
          resource.shutdown().callback(x -> {
            results.add("stopped");
            stopped.countDown();
          });
        });
      });
      ReactorRunner.await(stopped);
      Thread owner = made.get().owner;
      assertEquals("recorder", owner.getName());
      owner.join(10_000);
      assertFalse(owner.isAlive());
    }
    assertEquals(List.of("A", "B", "C", "failed: bad work", "D", "stopped"), results);
    assertEquals(List.of("a", "b", "c", "d", "closed"), made.get().log);
  }

  @Test
  void theQueueIsBoundedAndShutdownFailsWorkNotStartedAndRefusesMore() throws Exception {
    List<String> results = new CopyOnWriteArrayList<>();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> owner = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      ThreadedResource<String> resource = runner.call(() -> new ThreadedResource<>(r, "blocker",
          () -> {
            owner.set(Thread.currentThread());
            return "res";
          }, 2));
      runner.run(() -> resource.dispatch(s -> {
        running.countDown();
        ReactorRunner.await(release);
        return "first";
      }).callback(results::add));
      ReactorRunner.await(running);
      runner.run(() -> {
        resource.dispatch(s -> "second").errback(e -> results.add(e.getMessage()));
        resource.dispatch(s -> "third").errback(e -> results.add(e.getMessage()));
        BacklogFullException e = assertThrows(BacklogFullException.class,
            () -> resource.dispatch(s -> "fourth"));
        assertEquals("threaded resource blocker work: 2 held + 1 added exceeds limit 2",
            e.getMessage());
        resource.shutdown().callback(v -> stopped.countDown());
        assertThrows(IllegalStateException.class, () -> resource.dispatch(s -> "fifth"));
      });
      release.countDown();
      ReactorRunner.await(stopped);
      owner.get().join(10_000);
      assertFalse(owner.get().isAlive());
      assertThrows(ReactorException.class, () -> resource.dispatch(s -> "off the loop"));
    }
    assertEquals(List.of("threaded resource blocker shut down before the work ran",
        "threaded resource blocker shut down before the work ran", "first"), results);
  }

  @Test
  void aFactoryThatThrowsFailsEveryDispatchWithItAsCause() {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch failed = new CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> {
        ThreadedResource<String> resource = new ThreadedResource<>(r, "broken", () -> {
          throw new IOException("cannot connect");
        }, 4);
        resource.dispatch(s -> s.length()).errback(e -> {
          failure.set(e);
          failed.countDown();
        });
      });
      ReactorRunner.await(failed);
    }
    assertEquals("threaded resource broken: the resource could not be created",
        failure.get().getMessage());
    assertInstanceOf(IOException.class, failure.get().getCause());
  }

  @Test
  void theReactorStoppingEndsTheThread() throws Exception {
    AtomicReference<Thread> owner = new AtomicReference<>();
    CountDownLatch made = new CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> new ThreadedResource<>(runner.reactor, "orphan", () -> {
        owner.set(Thread.currentThread());
        made.countDown();
        return "r";
      }, 1));
      ReactorRunner.await(made);
    }
    owner.get().join(10_000);
    assertFalse(owner.get().isAlive(), "the resource thread outlived its reactor");
  }

  @Test
  void aJobBlockedWhenTheReactorStopsIsInterruptedAndTheThreadIsGoneWhenRunReturns()
      throws Exception {
    AtomicReference<Thread> owner = new AtomicReference<>();
    CountDownLatch blocking = new CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> new ThreadedResource<>(runner.reactor, "blocked", () -> "r", 1)
          .dispatch(r -> {
            owner.set(Thread.currentThread());
            blocking.countDown();
            try {
              new CountDownLatch(1).await(); // until interrupted
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return "interrupted";
          }));
      ReactorRunner.await(blocking);
    } // run() has returned here
    assertFalse(owner.get().isAlive(), "the resource thread outlived its reactor's run");
  }
}
