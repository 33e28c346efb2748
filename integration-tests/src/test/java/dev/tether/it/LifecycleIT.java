package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.ExitStatus;
import dev.tether.server.ErrorReplyException;
import dev.tether.server.ServerAlreadyStartedException;
import dev.tether.server.ServerErrorException;
import dev.tether.server.ServerNotStartedException;
import dev.tether.server.SpawnException;
import dev.tether.testing.Await;
import dev.tether.testing.OpenFds;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** start/stop, misuse, escalation to SIGKILL, crashes and their exit status. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleIT {

  /**
   * The reply to a call in flight is written after the supervisor closed its end: the worker
   * still sees the end of its channel, runs finalizeServer and exits 0 within the graceful
   * period (it used to lose its channel fd from the loop, sleep until SIGTERM and end 143).
   */
  @Test
  void stopWithACallInFlightEndsTheWorkerCleanly(@TempDir Path dir) throws Exception {
    Path marker = dir.resolve("finalized");
    Workers.Output output = new Workers.Output();
    FaultyServer server = Workers.quick(new FaultyServer(), output,
        Map.of("faulty.finalizeMarker", marker.toString()));
    server.start();
    assertEquals("pong", server.call("ping").get(0));
    Thread caller = new Thread(() -> {
      try {
        server.call("nap", "500");
      } catch (RuntimeException expected) {
        // the channel closes under the call: that is the point
      }
    });
    caller.start();
    Await.until("the worker is in the handler", Workers.JVM_START,
        () -> output.contains(FaultyServer.NAPPING));
    assertEquals(new ExitStatus.Exited(0), server.stop());
    assertEquals("finalized", Files.readString(marker).trim());
    caller.join(Workers.JVM_START.toMillis());
    assertFalse(caller.isAlive());
  }

  @Test
  void startStopAndRestart(@TempDir Path dir) throws Exception {
    Path marker = dir.resolve("finalized");
    FaultyServer server = Workers.quick(new FaultyServer(), new Workers.Output(),
        Map.of("faulty.finalizeMarker", marker.toString()));
    assertThrows(ServerNotStartedException.class, server::stop);
    assertThrows(ServerNotStartedException.class, server::server);
    assertThrows(ServerNotStartedException.class, server::serverPid);
    assertEquals(Optional.empty(), server.exitStatus());

    server.start();
    int first = server.serverPid();
    ServerAlreadyStartedException twice =
        assertThrows(ServerAlreadyStartedException.class, server::start);
    assertTrue(twice.getMessage().contains("pid " + first), twice.getMessage());
    assertEquals(List.of("pong", Integer.toString(first)), server.call("ping"));
    assertEquals(Optional.empty(), server.exitStatus(), "running");

    long t0 = System.nanoTime();
    assertEquals(new ExitStatus.Exited(0), server.stop());
    long stopMs = (System.nanoTime() - t0) / 1_000_000;
    System.err.println("graceful stop took " + stopMs + " ms");
    assertEquals(Optional.of(new ExitStatus.Exited(0)), server.exitStatus());
    assertEquals("finalized", Files.readString(marker), "finalizeServer ran in the worker");
    assertThrows(ServerNotStartedException.class, server::stop);
    assertThrows(ServerNotStartedException.class, server::server);

    server.start(); // a stopped server starts again
    assertTrue(server.serverPid() != first);
    assertEquals("pong", server.call("ping").get(0));
    assertEquals(new ExitStatus.Exited(0), server.stop());
  }

  @Test
  void workerThatIgnoresTermAndHangsIsKilledOnSchedule() throws Exception {
    Workers.Output output = new Workers.Output();
    FaultyServer server = Workers.quick(new FaultyServer(), output,
        Map.of("faulty.ignoreTerm", "true"));
    server.stopTimeouts(Duration.ofMillis(500), Duration.ofMillis(700));
    server.start();
    int pid = server.serverPid();
    // The TERM handler is live (it answers while the reactor is free)...
    assertEquals("pong", server.call("ping").get(0));
    server.sendSignal("TERM");
    assertEquals(List.of("signal", "TERM"), server.server().read());
    assertTrue(Workers.running(pid), "SIGTERM ignored");
    // ...then the reactor thread hangs: neither end of stream nor SIGTERM can end the worker.
    server.server().write("hang");
    assertEquals(List.of("hanging"), server.server().read());

    long t0 = System.nanoTime();
    ExitStatus status = server.stop();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.err.println("escalated stop took " + ms + " ms");
    assertEquals(new ExitStatus.Signaled(9), status);
    assertTrue(ms >= 1200, "SIGKILL only after both waits: " + ms + " ms");
    assertFalse(Workers.running(pid));
  }

  @Test
  void crashedWorkerReportsItsExitStatus() throws Exception {
    FaultyServer server = Workers.quick(new FaultyServer(), new Workers.Output());
    server.start();
    int pid = server.serverPid();
    assertEquals("pong", server.call("ping").get(0));
    ServerErrorException e =
        assertThrows(ServerErrorException.class, () -> server.call("crash", "7"));
    assertEquals(FaultyServer.class.getName(), e.serverClass());
    assertEquals(pid, e.pid());
    assertEquals(Optional.of(new ExitStatus.Exited(7)), e.exitStatus());
    assertTrue(e.getMessage().contains(FaultyServer.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("pid " + pid), e.getMessage());
    assertTrue(e.getMessage().contains("Exited[code=7]"), e.getMessage());
    assertEquals(Optional.of(new ExitStatus.Exited(7)), server.exitStatus(), "known before stop");
    assertEquals(new ExitStatus.Exited(7), server.stop(), "stop just reaps a dead worker");
  }

  /** start() reaps a worker that died on its own (no stop() needed) and starts a new one. */
  @Test
  void startAfterTheWorkerDiedReapsItAndStartsANewOne() throws Exception {
    FaultyServer server = Workers.quick(new FaultyServer(), new Workers.Output());
    server.start(); // warm-up: the first start loads native code and its fds for good
    server.stop();
    Map<Integer, String> fds = OpenFds.snapshot();

    server.start();
    int first = server.serverPid();
    assertThrows(ServerErrorException.class, () -> server.call("crash", "5"));
    assertEquals(new ExitStatus.Exited(5), server.awaitExit(Workers.JVM_START).orElseThrow());
    assertTrue(server.isStarted(), "not stopped");

    server.start();
    int second = server.serverPid();
    assertTrue(second != first);
    assertEquals(List.of("pong", Integer.toString(second)), server.call("ping"));
    assertEquals(Optional.empty(), server.exitStatus(), "the new worker runs");
    assertEquals(List.of((long) second),
        ProcessHandle.current().children().map(ProcessHandle::pid).toList(),
        "the dead worker was reaped");
    assertEquals(new ExitStatus.Exited(0), server.stop());
    OpenFds.assertNoneOpenedSince(fds, Duration.ofSeconds(10), "both workers' fds were closed");
  }

  @Test
  void workerExitingAfterNMessagesIsNoticedAtTheNextRead() throws Exception {
    FaultyServer server = Workers.quick(new FaultyServer(), new Workers.Output(),
        Map.of("faulty.exitAfter", "3"));
    server.start();
    for (int i = 0; i < 3; i++) {
      assertEquals("pong", server.call("ping").get(0));
    }
    assertEquals(null, server.server().read(), "end of stream");
    ExitStatus status = server.awaitExit(Workers.JVM_START).orElseThrow();
    assertEquals(new ExitStatus.Exited(FaultyServer.EXIT_AFTER_STATUS), status);
    ServerErrorException e = assertThrows(ServerErrorException.class, () -> server.call("ping"));
    assertEquals(Optional.of(status), e.exitStatus());
    assertEquals(status, server.stop());
  }

  @Test
  void signaledWorkerReportsTheSignal() throws Exception {
    FaultyServer server = Workers.quick(new FaultyServer(), new Workers.Output());
    server.start();
    assertEquals("pong", server.call("ping").get(0));
    assertTrue(server.sendSignal("KILL"));
    ServerErrorException e = assertThrows(ServerErrorException.class, () -> server.call("ping"));
    assertEquals(Optional.of(new ExitStatus.Signaled(9)), e.exitStatus());
    assertEquals(OptionalInt.of(9), server.stop().terminatedBy());
  }

  @Test
  void failingInitializeServerExitsNonZeroWithTheCauseLogged() throws Exception {
    Workers.Output output = new Workers.Output();
    FaultyServer server = Workers.quick(new FaultyServer(), output,
        Map.of("faulty.failInit", "true", "org.slf4j.simpleLogger.defaultLogLevel", "info"));
    server.start();
    assertEquals(null, server.server().read(), "the worker closes without dispatching");
    assertEquals(new ExitStatus.Exited(1), server.awaitExit(Workers.JVM_START).orElseThrow());
    assertEquals(new ExitStatus.Exited(1), server.stop());
    Await.until("the logged cause", Duration.ofSeconds(5),
        () -> output.contains("initializeServer fails on purpose"));
    assertEquals(1, output.lines.stream().filter(l -> l.contains("Caused by: ")).count(),
        "logged, not printed a second time: " + output.lines);
  }

  /**
   * With no SLF4J provider on the worker's class path, SLF4J drops what is logged; the worker's
   * fatal error still reaches its stderr, cause and all.
   */
  @Test
  void fatalErrorReachesStderrWithNoLoggingProvider() throws Exception {
    Workers.Output output = new Workers.Output();
    FaultyServer server = new FaultyServer();
    String classPath = Arrays.stream(System.getProperty("java.class.path")
            .split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("slf4j-simple"))
        .collect(Collectors.joining(File.pathSeparator));
    server.configureCommand(b -> b.jvmOptions(Workers.QUICK_JVM).classPath(classPath)
        .systemProperty("faulty.failInit", "true"));
    server.captureOutput(output::add);
    server.start();
    assertEquals(null, server.server().read(), "the worker closes without dispatching");
    assertEquals(new ExitStatus.Exited(1), server.awaitExit(Workers.JVM_START).orElseThrow());
    assertEquals(new ExitStatus.Exited(1), server.stop());
    Await.until("SLF4J's notice that no provider is bound", Duration.ofSeconds(5),
        () -> output.contains("No SLF4J providers were found"));
    String cause = "java.lang.IllegalStateException: initializeServer fails on purpose";
    Await.until("the cause on stderr", Duration.ofSeconds(5), () -> output.contains(cause));
    assertTrue(output.contains(FaultyServer.class.getName() + ".initializeServer() failed"),
        output.lines.toString());
    assertEquals(1, output.lines.stream().filter(l -> l.contains("Caused by: ")).count(),
        output.lines.toString());
  }

  /**
   * Logging must not start on the worker's native loader thread: an event logged by another
   * thread meanwhile waits for a replay that a worker exiting at once never gets, and a worker
   * whose initializeServer failed lost its cause that way (1 run in 25 on JDK 25, when the
   * reactor's defer pool had a static logger). {@code slow} waits for the loader to have made
   * the reactor; only then does the worker log its first line, on the reactor thread, answering
   * an unknown message. Nor does logging start before that first line: a worker that never logs
   * does not pay for it (the channel watcher's static logger once started it with the loop).
   */
  @Test
  void loggingStartsOnTheWorkerThreadNotOnTheLoader() throws Exception {
    Workers.Output output = new Workers.Output();
    FaultyServer server = Workers.quick(new FaultyServer(), output,
        Map.of("slf4j.provider", ThreadTellingLogging.class.getName()));
    server.start();
    try {
      server.server().write(List.of("slow"));
      assertEquals(List.of("released"), server.call("release"));
      assertEquals("slow_done", server.server().read().get(0));
      // The reactor dispatches now, and nothing has logged yet: neither has logging started
      // (stderr lines arrive in order, so the provider's line would come before this one).
      assertEquals(List.of("said"), server.call("say", "nothing logged yet"));
      Await.until("the worker's stderr line", Duration.ofSeconds(5),
          () -> output.contains("nothing logged yet"));
      assertFalse(output.contains(ThreadTellingLogging.STARTED_ON), output.lines.toString());
      assertThrows(ErrorReplyException.class, () -> server.call("no such message"));
    } finally {
      server.stop();
    }
    Await.until("the thread that started logging", Duration.ofSeconds(5),
        () -> output.contains(ThreadTellingLogging.STARTED_ON));
    assertTrue(output.contains(ThreadTellingLogging.STARTED_ON + "main"), output.lines.toString());
  }

  @Test
  void missingJavaExecutableIsASpawnExceptionAndFailedToStart() {
    // One warm-up attempt: the first loads native libraries for good, and their temp files' names
    // come from a SecureRandom that keeps /dev/random and /dev/urandom open.
    assertThrows(SpawnException.class, withoutJava(new FaultyServer())::start);
    FaultyServer server = withoutJava(new FaultyServer());
    Map<Integer, String> fds = OpenFds.snapshot();
    SpawnException e = assertThrows(SpawnException.class, server::start);
    assertTrue(e.getMessage().contains("/nonexistent/bin/java"), e.getMessage());
    assertInstanceOf(ExitStatus.FailedToStart.class, server.exitStatus().orElseThrow());
    assertFalse(server.isStarted());
    OpenFds.assertNoneOpenedSince(fds, Duration.ofSeconds(10), "the socket pair was closed");
  }

  private static FaultyServer withoutJava(FaultyServer server) {
    server.configureCommand(b -> b.javaExecutable("/nonexistent/bin/java"));
    return server;
  }
}
