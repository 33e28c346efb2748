package dev.tether.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.ExitStatus;
import dev.tether.server.JavaCommand;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Sockets;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker started without a connected AF_UNIX stream socket as its channel exits 2 with a
 * message naming the fd and what it found, instead of reading whatever landed on fd 3 (a JVM's own
 * lib/modules: SIGSEGV) or waiting forever on a datagram socket.
 */
@Timeout(120)
class ChannelFdCheckTest {
  @Test
  void aConnectedUnixStreamSocketPasses() {
    int[] pair = Sockets.pair();
    try {
      assertNull(ChannelFdCheck.problem(pair[0]));
    } finally {
      Io.close(pair[0]);
      Io.close(pair[1]);
    }
  }

  @Test
  void anythingElseIsNamed() {
    int[] dgram = Sockets.pair(Linux.SOCK_DGRAM);
    int[] pipe = Io.pipe(true);
    try {
      assertEquals("fd " + dgram[0] + " is an AF_UNIX socket of type 0002 (SOCK_DGRAM) "
          + "(expected: a connected AF_UNIX stream socket)", ChannelFdCheck.problem(dgram[0]));
      assertTrue(ChannelFdCheck.problem(pipe[0]).startsWith("fd " + pipe[0] + " is pipe:["),
          ChannelFdCheck.problem(pipe[0]));
      assertEquals("fd 999999 is not open (expected: a connected AF_UNIX stream socket)",
          ChannelFdCheck.problem(999_999));
    } finally {
      Io.close(dgram[0]);
      Io.close(dgram[1]);
      Io.close(pipe[0]);
      Io.close(pipe[1]);
    }
  }

  @Test
  void aWorkerWithNothingAtFd3ExitsTwoNamingWhatItFound() throws Exception {
    ConcurrentLinkedQueue<String> err = new ConcurrentLinkedQueue<>();
    ChildProcess child = ProcessSpawner.spawn(worker().stderr(ChildOutput.lines(err::add)).build());
    assertEquals(new ExitStatus.Exited(2), child.awaitExit(Children.JVM_START).orElseThrow());
    String line = String.join("\n", err);
    assertTrue(line.contains("tether worker: fd 3 is ") && line.contains("modules")
        && line.contains("(expected: a connected AF_UNIX stream socket)"), line);
  }

  @Test
  void aWorkerWithADatagramSocketAtFd3ExitsTwo() throws Exception {
    int[] dgram = Sockets.pair(Linux.SOCK_DGRAM);
    ConcurrentLinkedQueue<String> err = new ConcurrentLinkedQueue<>();
    try {
      ChildProcess child = ProcessSpawner.spawn(
          worker().fd3(dgram[1]).stderr(ChildOutput.lines(err::add)).build());
      assertEquals(new ExitStatus.Exited(2), child.awaitExit(Children.JVM_START).orElseThrow());
    } finally {
      Io.close(dgram[0]);
      Io.close(dgram[1]);
    }
    assertEquals(1, err.size(), String.join("\n", err));
    assertTrue(err.peek().endsWith("] tether worker: fd 3 is an AF_UNIX socket of type 0002 "
        + "(SOCK_DGRAM) (expected: a connected AF_UNIX stream socket)"), err.peek());
  }

  private static SpawnRequest.Builder worker() {
    JavaCommand command = JavaCommand.builder("dev.tether.server.ChildMain")
        .classPath(System.getProperty("java.class.path"))
        .jvmOptions("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
        .args("dev.tether.server.AbstractServerTest$Sample") // a real server: it would read fd 3
        .build();
    return Children.request(command);
  }
}
