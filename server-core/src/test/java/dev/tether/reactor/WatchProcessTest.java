package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenFds;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Linux;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** watchProcess on real processes: children of the JDK, of popen, and bad pids. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchProcessTest {

  static final class Recorder extends ProcessWatcher {
    final List<String> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<Optional<ExitStatus>> unbound = new CompletableFuture<>();

    @Override
    protected void processExited() {
      events.add("exited");
    }

    @Override
    protected void unbind() {
      events.add("unbind");
      unbound.complete(exitStatus());
    }

    Optional<ExitStatus> awaitUnbind() {
      try {
        return unbound.get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("unbind did not come", e);
      }
    }
  }

  @Test
  void aProcessOfTheJdkIsReportedAndItsStatusLeftToTheJdk() throws Exception {
    ReactorRunner.warmUp();
    try (ReactorRunner runner = new ReactorRunner()) {
      runner.run(() -> {});
      var before = OpenFds.snapshot();
      Process sleeper = new ProcessBuilder("sleep", "100").start();
      Recorder watcher = runner.call(() ->
          runner.reactor.watchProcess((int) sleeper.pid(), new Recorder()));
      assertEquals((int) sleeper.pid(), (int) runner.call(watcher::pid));
      assertTrue(runner.call(watcher::isAttached));
      sleeper.destroy(); // SIGTERM from the JDK
      Optional<ExitStatus> status = watcher.awaitUnbind();
      assertEquals(List.of("exited", "unbind"), watcher.events);
      // Peeked if the JDK had not reaped it yet, else unknown; never taken from the JDK:
      status.ifPresent(s -> assertEquals(new ExitStatus.Signaled(Linux.SIGTERM), s));
      assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS));
      assertEquals(128 + Linux.SIGTERM, sleeper.exitValue(), "the JDK still got the status");
      assertFalse(runner.call(watcher::isAttached));
      assertFalse(runner.call(() -> watcher.signal(Linux.SIGTERM)), "exited: nothing is sent");
      sleeper.getInputStream().close();
      sleeper.getOutputStream().close();
      sleeper.getErrorStream().close();
      OpenFds.assertNoneOpenedSince(before, Duration.ofSeconds(5), "watching one process");
    }
  }

  @Test
  void signalGoesThroughThePidfd() throws Exception {
    try (ReactorRunner runner = new ReactorRunner()) {
      Process sleeper = new ProcessBuilder("sleep", "100").start();
      Recorder watcher = runner.call(() ->
          runner.reactor.watchProcess((int) sleeper.pid(), new Recorder()));
      assertTrue(runner.call(() -> watcher.signal(Linux.SIGKILL)));
      watcher.awaitUnbind();
      assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS));
      assertEquals(128 + Linux.SIGKILL, sleeper.exitValue());
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
          () -> runner.call(() -> watcher.signal(65)));
      assertEquals("signal : 65 (expected: 1..64)", bad.getMessage());
    }
  }

  @Test
  void aPopenChildIsWatchedWhileItsConnectionReapsIt() {
    try (ReactorRunner runner = new ReactorRunner()) {
      ProcessRecorder child = runner.call(() -> runner.reactor.popen(
          List.of("sh", "-c", "read line; exit 5"), new ProcessRecorder()));
      Recorder watcher = runner.call(() -> runner.reactor.watchProcess(child.pid(),
          new Recorder()));
      runner.run(() -> child.sendData(new byte[] {'\n'}));
      assertEquals(new ExitStatus.Exited(5), child.awaitUnbind().status());
      watcher.awaitUnbind().ifPresent(s -> assertEquals(new ExitStatus.Exited(5), s));
      assertEquals(List.of("exited", "unbind"), watcher.events);
    }
  }

  @Test
  void badPidsAreRefusedClearly() {
    try (ReactorRunner runner = new ReactorRunner()) {
      IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
          () -> runner.call(() -> runner.reactor.watchProcess(0, new Recorder())));
      assertEquals("pid : 0 (expected: > 0)", zero.getMessage());
      Recorder never = new Recorder();
      NativeCallException none = assertThrows(NativeCallException.class,
          () -> runner.call(() -> runner.reactor.watchProcess(Integer.MAX_VALUE, never)));
      assertEquals(Linux.ESRCH, none.errno());
      assertEquals("pidfd_open(" + Integer.MAX_VALUE + ") failed with error(3): No such process",
          none.getMessage());
      assertFalse(never.isAttached());
    }
  }

  @Test
  void detachAndStopEndWatchingWithoutAnExit() throws Exception {
    ReactorRunner.warmUp();
    Process sleeper = new ProcessBuilder("sleep", "100").start();
    try {
      ReactorRunner runner = new ReactorRunner();
      runner.run(() -> {});
      var before = OpenFds.snapshot();
      Recorder detached = runner.call(() ->
          runner.reactor.watchProcess((int) sleeper.pid(), new Recorder()));
      runner.run(detached::detach);
      runner.run(detached::detach); // idempotent
      assertEquals(List.of("unbind"), detached.events);
      assertFalse(runner.call(() -> detached.signal(Linux.SIGTERM)), "detached: nothing sent");
      OpenFds.assertNoneOpenedSince(before, Duration.ofSeconds(5), "a detached watcher");

      Recorder stopped = runner.call(() ->
          runner.reactor.watchProcess((int) sleeper.pid(), new Recorder()));
      runner.stop();
      assertEquals(List.of("unbind"), stopped.events);
      assertTrue(sleeper.isAlive(), "watching never kills a process it does not own");
    } finally {
      sleeper.destroyForcibly().waitFor();
      sleeper.getInputStream().close();
      sleeper.getOutputStream().close();
      sleeper.getErrorStream().close();
    }
  }
}
