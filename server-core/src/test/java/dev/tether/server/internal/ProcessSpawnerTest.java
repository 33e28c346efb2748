package dev.tether.server.internal;

import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import static dev.tether.server.internal.Children.JVM_START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.ExitStatus;
import dev.tether.server.SpawnException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/** Spawns real children (JVMs and small system tools) and checks what they got and how they end. */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class ProcessSpawnerTest {

  @Test
  void fd3WorksBothWaysAndNothingElseIsInherited() throws Exception {
    int[] pair = dev.tether.unix.internal.Sockets.pair();
    int[] inheritable = Io.pipe(false); // no O_CLOEXEC: only closefrom keeps it out
    int parentEnd = pair[0];
    int childEnd = pair[1];
    ChildProcess child;
    Children.Lines lines = new Children.Lines();
    String socketTarget = Children.fdTarget("/proc/self", childEnd);
    String pipeTarget = Children.fdTarget("/proc/self", inheritable[0]);
    try {
      child = ProcessSpawner.spawn(Children.request(Children.testChild("echo"))
          .fd3(childEnd).stdout(lines.output()).stderr(lines.output()).build());
    } finally {
      Io.close(childEnd);
    }
    try {
      Io.writeFully(parentEnd, "hello\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals("echo:hello\n", readLine(parentEnd));

      // The child is alive now (it waits for EOF on fd 3): inspect what it has open.
      String proc = "/proc/" + child.pid();
      assertEquals(socketTarget, Children.fdTarget(proc, 3), "child's fd 3 is our socket");
      List<String> targets = Children.fdTargets(proc);
      assertFalse(targets.contains(pipeTarget),
          "inheritable pipe " + pipeTarget + " leaked into child: " + targets);
      assertTrue(child.isAlive());
    } finally {
      Io.close(parentEnd);
      Io.close(inheritable[0]);
      Io.close(inheritable[1]);
    }
    assertEquals(new ExitStatus.Exited(0), child.awaitExit(JVM_START).orElseThrow(),
        () -> "output: " + lines.queue);
    assertFalse(child.isAlive());
    assertFalse(child.signal(Linux.SIGTERM), "a reaped child is never signalled");
  }

  @Test
  void childStartsWithExactlyFds0To3() throws Exception {
    int[] pair = dev.tether.unix.internal.Sockets.pair();
    int[] inheritable = Io.pipe(false);
    Children.Lines lines = new Children.Lines();
    ChildProcess child;
    try {
      // ls opens one fd of its own to list the directory: the lowest free number, 4.
      child = ProcessSpawner.spawn(SpawnRequest.builder(List.of("ls", "/proc/self/fd"))
          .fd3(pair[1]).stdout(lines.output()).build());
    } finally {
      Io.close(pair[0]);
      Io.close(pair[1]);
      Io.close(inheritable[0]);
      Io.close(inheritable[1]);
    }
    assertEquals(new ExitStatus.Exited(0), child.awaitExit(JVM_START).orElseThrow());
    child.outputDrained().get(JVM_START.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    String p = "[" + child.pid() + "] ";
    assertEquals(List.of(p + "0", p + "1", p + "2", p + "3", p + "4"),
        new ArrayList<>(lines.queue));
  }

  @Test
  void exitCodeIsReported() throws Exception {
    ChildProcess child = spawnQuiet("exit", "42");
    assertEquals(new ExitStatus.Exited(42), child.awaitExit(JVM_START).orElseThrow());
    assertEquals(new ExitStatus.Exited(42), child.onExit().join());
  }

  @Test
  void sigkillIsReportedAsSignaled() throws Exception {
    Children.Lines lines = new Children.Lines();
    ChildProcess child = ProcessSpawner.spawn(Children.request(Children.testChild("sleep"))
        .stdout(lines.output()).build());
    assertEquals("[" + child.pid() + "] ready", lines.next(JVM_START));
    assertTrue(child.signal(Linux.SIGKILL));
    ExitStatus status = child.awaitExit(JVM_START).orElseThrow();
    assertEquals(new ExitStatus.Signaled(9), status);
    assertEquals(OptionalInt.of(9), status.terminatedBy());
  }

  @Test
  void sigtermOfAJvmIsExited143AndTerminatedBy15() throws Exception {
    Children.Lines lines = new Children.Lines();
    ChildProcess child = ProcessSpawner.spawn(Children.request(Children.testChild("sleep"))
        .stdout(lines.output()).build());
    assertEquals("[" + child.pid() + "] ready", lines.next(JVM_START));
    // Graceful period 0: straight to SIGTERM, which the JVM handles and exits 143.
    ExitStatus status = child.stop(Duration.ZERO, JVM_START);
    assertEquals(new ExitStatus.Exited(143), status);
    assertEquals(OptionalInt.of(15), status.terminatedBy());
  }

  @Test
  void childIgnoringSigtermIsKilledByEscalation() throws Exception {
    Children.Lines lines = new Children.Lines();
    // SIG_IGN survives exec, so sleep inherits the shell's "ignore TERM" and exec leaves no orphan.
    ChildProcess child = ProcessSpawner.spawn(SpawnRequest.builder(
            List.of("sh", "-c", "trap '' TERM; echo ready; exec sleep 60"))
        .stdout(lines.output()).build());
    assertEquals("[" + child.pid() + "] ready", lines.next(JVM_START));
    long start = System.nanoTime();
    ExitStatus status = child.stop(Duration.ofMillis(200), Duration.ofMillis(500));
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(new ExitStatus.Signaled(9), status, "SIGTERM ignored, SIGKILL ended it");
    assertTrue(elapsedMs >= 700, "SIGKILL only after both waits: " + elapsedMs + " ms");
    assertFalse(child.isAlive());
  }

  @Test
  void childThatExitsInTheGracePeriodIsNotSignalled() throws Exception {
    ChildProcess child = spawnQuiet("exit", "0");
    assertEquals(new ExitStatus.Exited(0), child.stop(JVM_START, JVM_START));
  }

  @Test
  void missingExecutableFailsWithErrno() {
    SpawnException e = assertThrows(SpawnException.class, () -> ProcessSpawner.spawn(
        SpawnRequest.builder(List.of("/no/such/tether-java", "-version")).build()));
    assertEquals(2, e.errno());
    assertEquals(List.of("/no/such/tether-java", "-version"), e.command());
    assertTrue(e.getMessage().contains("posix_spawnp(/no/such/tether-java) failed with error(2): "
        + "No such file or directory"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(executable /no/such/tether-java not found)"),
        e.getMessage());
    assertInstanceOf(dev.tether.unix.NativeCallException.class, e.getCause());
    ExitStatus status = new ExitStatus.FailedToStart(e);
    assertEquals(OptionalInt.empty(), status.terminatedBy());
  }

  @Test
  void badWorkingDirectoryFailsWithErrno() {
    SpawnException e = assertThrows(SpawnException.class, () -> ProcessSpawner.spawn(
        SpawnRequest.builder(List.of("true")).workingDirectory(Path.of("/no/such/dir")).build()));
    assertEquals(2, e.errno(), e.getMessage());
    assertTrue(e.getMessage().endsWith("(working directory /no/such/dir is not a directory)"),
        e.getMessage());
  }

  @Test
  void outputIsCapturedLineByLineWithPidPrefix() throws Exception {
    List<String> out = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> err = java.util.Collections.synchronizedList(new ArrayList<>());
    ChildProcess child = ProcessSpawner.spawn(Children.request(Children.testChild("print"))
        .stdout(ChildOutput.lines(out::add)).stderr(ChildOutput.lines(err::add)).build());
    assertEquals(new ExitStatus.Exited(0), child.awaitExit(JVM_START).orElseThrow());
    child.outputDrained().get(JVM_START.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    String p = "[" + child.pid() + "] ";
    assertEquals(List.of(p + "out-1", p + "out-2", p + "no-newline"), out);
    assertEquals(List.of(p + "err-1"), err);
  }

  @Test
  void environmentAndWorkingDirectoryAreApplied(@TempDir Path dir) throws Exception {
    Children.Lines lines = new Children.Lines();
    // argv goes to the program as given: no shell unless the program is one.
    ChildProcess child = ProcessSpawner.spawn(
        SpawnRequest.builder(List.of("sh", "-c", "pwd; echo \"$TETHER_X\"; echo \"${HOME-unset}\"",
                "ignored $arg"))
            .environment(Map.of("TETHER_X", "a b;$c", "PATH", "/usr/bin:/bin"))
            .workingDirectory(dir)
            .stdout(lines.output())
            .build());
    String p = "[" + child.pid() + "] ";
    assertEquals(p + dir.toRealPath(), lines.next(JVM_START));
    assertEquals(p + "a b;$c", lines.next(JVM_START));
    assertEquals(p + "unset", lines.next(JVM_START), "only the given environment");
    assertEquals(new ExitStatus.Exited(0), child.awaitExit(JVM_START).orElseThrow());
  }

  @Test
  void signalMaskIsEmptyAndIgnoredSignalsAreReset() throws Exception {
    // Make the parent ignore SIGHUP (as under nohup); the child must get the default back.
    IgnoredSignal hup = new IgnoredSignal(1);
    try {
      String parentIgnored = statusField("/proc/thread-self/status", "SigIgn");
      assertNotEquals(0L, Long.parseLong(parentIgnored, 16) & 1L, "precondition: HUP ignored");
      String parentBlocked = statusField("/proc/thread-self/status", "SigBlk");
      assertNotEquals(0L, Long.parseLong(parentBlocked, 16),
          "precondition: JVM thread blocks some");
      Children.Lines lines = new Children.Lines();
      ChildProcess child = ProcessSpawner.spawn(
          SpawnRequest.builder(List.of("grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"))
              .stdout(lines.output()).build());
      String p = "[" + child.pid() + "] ";
      assertEquals(p + "SigBlk:\t0000000000000000", lines.next(JVM_START));
      String ignored = lines.next(JVM_START);
      assertTrue(ignored.startsWith(p + "SigIgn:\t"), ignored);
      // glibc's posix_spawn leaves its internal signals 32 and 33 ignored; glibc reinstalls them.
      long glibcInternal = (1L << 31) | (1L << 32);
      assertEquals(0L, Long.parseLong(ignored.substring(p.length() + 8), 16) & ~glibcInternal,
          ignored);
      assertEquals(new ExitStatus.Exited(0), child.awaitExit(JVM_START).orElseThrow());
    } finally {
      hup.close();
    }
  }

  @Test
  void newProcessGroupMakesTheChildItsOwnLeader() throws Exception {
    Children.Lines lines = new Children.Lines();
    ChildProcess child = ProcessSpawner.spawn(SpawnRequest.builder(List.of("sleep", "30"))
        .newProcessGroup(true).stdout(lines.output()).build());
    try {
      Children.await("child exec'd sleep", JVM_START, () -> readStat(child.pid()) != null
          && readStat(child.pid()).startsWith(child.pid() + " (sleep)"));
      String[] stat = readStat(child.pid()).split(" ");
      assertEquals(Integer.toString(child.pid()), stat[4], "pgrp == pid");
    } finally {
      child.signal(Linux.SIGKILL);
    }
    assertEquals(new ExitStatus.Signaled(9), child.awaitExit(JVM_START).orElseThrow());
  }

  private static ChildProcess spawnQuiet(String... modeAndArgs) {
    Children.Lines lines = new Children.Lines();
    return ProcessSpawner.spawn(Children.request(Children.testChild(modeAndArgs))
        .stdout(lines.output()).stderr(lines.output()).build());
  }

  private static String readLine(int fd) {
    StringBuilder sb = new StringBuilder();
    byte[] one = new byte[1];
    while (Io.read(fd, one) == 1) {
      sb.append((char) one[0]);
      if (one[0] == '\n') {
        break;
      }
    }
    return sb.toString();
  }

  private static String readStat(int pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/stat"));
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static String statusField(String file, String name) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of(file))) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    throw new AssertionError(name + " not in " + file);
  }
}
