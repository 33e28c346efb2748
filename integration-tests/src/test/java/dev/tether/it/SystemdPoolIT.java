package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.PosixSpawn;
import dev.tether.unix.internal.Processes;
import dev.tether.unix.internal.Sockets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A supervisor process ({@link PoolSupervisorMain}) under a fake systemd made here: its listening
 * socket passed at fd 3 with LISTEN_PID set by an exec'ing shell, NOTIFY_SOCKET bound by the
 * test, a watchdog, and the signals an operator sends.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SystemdPoolIT {
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(90);

  private final List<String> notifications = new ArrayList<>();
  private int notify = -1;

  @Test
  void readyOnlyOnceThePoolServesThenStatusWatchdogSignalsAndStopping(@TempDir Path dir)
      throws Exception {
    Sockets sockets = new Sockets();
    notify = Sockets.unixDatagram();
    int listener = -1;
    int pid;
    int port;
    try {
      sockets.bindUnix(notify, dir.resolve("notify").toString());
      Io.makeNonBlockingCloexec(notify);
      listener = sockets.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      port = ((InetSocketAddress) sockets.localAddress(listener)).getPort();
      assertTrue(listener > 3, "the move to fd 3 must not overwrite the listener");
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("LISTEN_FDS", "1");
      env.put("NOTIFY_SOCKET", dir.resolve("notify").toString());
      env.put("WATCHDOG_USEC", "600000");
      List<String> argv = new ArrayList<>(List.of("sh", "-c", "export LISTEN_PID=$$; exec \"$@\"",
          "sh", HelloIT.javaExecutable(), "-cp", System.getProperty("java.class.path")));
      argv.addAll(List.of(Workers.QUICK_JVM));
      argv.addAll(List.of(PoolSupervisorMain.class.getName(), "2"));
      List<String> envStrings = new ArrayList<>();
      env.forEach((k, v) -> envStrings.add(k + "=" + v));
      pid = new PosixSpawn().dup2(2, 1).dup2(listener, 3).closeFrom(4).resetSignals()
          .spawn(argv, envStrings);
    } finally {
      if (listener >= 0) {
        Io.close(listener); // the supervisor holds it now
      }
    }
    try {
      awaitNotification("READY=1");
      int readyAt = notifications.indexOf("READY=1");
      assertTrue(notifications.subList(0, readyAt).contains("STATUS=starting: 0 of 2 workers of "
          + PoolEchoServer.class.getName() + " ready"), notifications.toString());
      assertEquals("STATUS=serving: 2 of 2 workers of " + PoolEchoServer.class.getName()
          + " ready", notifications.get(readyAt - 1), notifications.toString());

      // READY told the truth: a worker answers on the socket systemd passed.
      int worker = echoPid(port);
      assertTrue(worker != pid, "served by a worker, not by the supervisor");
      String environ = Files.readString(Path.of("/proc/" + worker + "/environ"));
      for (String variable : List.of("LISTEN_PID=", "LISTEN_FDS=", "NOTIFY_SOCKET=",
          "WATCHDOG_USEC=")) {
        assertFalse(environ.contains(variable), "the worker inherited " + variable);
      }
      awaitNotification("WATCHDOG=1");

      Processes.kill(pid, Linux.SIGTTIN);
      awaitNotification("STATUS=serving: 3 of 3 workers of " + PoolEchoServer.class.getName()
          + " ready");
      Processes.kill(pid, Linux.SIGTERM);
      awaitNotification("STOPPING=1");
    } finally {
      int status = Processes.waitpid(pid);
      Io.close(notify);
      assertEquals(0, status, "raw wait status of the supervisor");
    }
  }

  /** The pid of the worker that answers one exchange on {@code port}. */
  private static int echoPid(int port) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write("who\n".getBytes(StandardCharsets.US_ASCII));
      String reply = new BufferedReader(new InputStreamReader(s.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      assertTrue(reply.endsWith(" who"), reply);
      return Integer.parseInt(reply.substring(0, reply.indexOf(' ')));
    }
  }

  /** Reads datagrams until {@code wanted} came (it may have come already), with a deadline. */
  private void awaitNotification(String wanted) throws InterruptedException {
    ByteBuffer buffer = Memory.allocate(8192);
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (!notifications.contains(wanted)) {
      long n = Sockets.receive(notify, Memory.address(buffer), buffer.capacity());
      if (n >= 0) {
        byte[] bytes = new byte[(int) n];
        buffer.get(0, bytes);
        notifications.add(new String(bytes, StandardCharsets.UTF_8));
        continue;
      }
      assertEquals(-Linux.EAGAIN, n);
      assertTrue(System.nanoTime() < deadline, "no " + wanted + " in " + notifications);
      Thread.sleep(20); // polls the socket, with a deadline
    }
  }
}
