package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.PosixSpawn;
import dev.tether.unix.internal.Processes;
import dev.tether.unix.internal.Sockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A child JVM under a fake systemd: notifications and socket activation, for real. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SystemdIT {
  @Test
  void aChildNotifiesThroughAPath(@TempDir Path dir) throws Exception {
    String name = dir.resolve("notify").toString();
    assertEquals(List.of("READY=1", "STATUS=watchdog PT1S", "WATCHDOG=1", "STOPPING=1"),
        notificationsOfAChild(name, Map.of("WATCHDOG_USEC", "2000000")));
  }

  @Test
  void aChildNotifiesThroughAnAbstractName() throws Exception {
    String name = "@tether-it-notify-" + ProcessHandle.current().pid();
    assertEquals(List.of("READY=1", "STATUS=watchdog off", "WATCHDOG=1", "STOPPING=1"),
        notificationsOfAChild(name, Map.of("WATCHDOG_USEC", "2000000", "WATCHDOG_PID", "1")));
  }

  private static List<String> notificationsOfAChild(String name, Map<String, String> env)
      throws Exception {
    int systemd = Sockets.unixDatagram();
    try {
      new Sockets().bindUnix(systemd, name);
      Io.makeNonBlockingCloexec(systemd);
      ProcessBuilder child = new ProcessBuilder(childCommand("notify")).redirectErrorStream(true);
      child.environment().putAll(env);
      child.environment().put("NOTIFY_SOCKET", name);
      Process p = child.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(Workers.JVM_START.toSeconds(), TimeUnit.SECONDS), output);
      assertEquals(0, p.exitValue(), output);
      return datagrams(systemd); // all queued: each send returned after queueing
    } finally {
      Io.close(systemd);
    }
  }

  private static List<String> datagrams(int fd) {
    ByteBuffer buffer = Memory.allocate(8192);
    List<String> messages = new ArrayList<>();
    long n;
    while ((n = Sockets.receive(fd, Memory.address(buffer), buffer.capacity())) >= 0) {
      byte[] bytes = new byte[(int) n];
      buffer.get(0, bytes);
      messages.add(new String(bytes, StandardCharsets.UTF_8));
    }
    assertEquals(-Linux.EAGAIN, n);
    return messages;
  }

  /**
   * systemd's part played by the test: listening sockets at the child's fds 3 (TCP) and 4 (Unix),
   * inheritable there, and LISTEN_PID set to the child's pid by a shell that then execs the JVM.
   */
  @Test
  void aChildTakesItsListeningSocketsAndLeavesNoVariableToItsChildren(@TempDir Path dir)
      throws Exception {
    Sockets sockets = new Sockets();
    int tcp = sockets.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    Path unixPath = dir.resolve("admin.sock");
    int unix = sockets.listenUnix(unixPath, 4);
    int port = ((InetSocketAddress) sockets.localAddress(tcp)).getPort();
    int pid;
    try {
      assertTrue(tcp > 4 && unix > 4, "the moves to fds 3 and 4 must not overwrite a listener");
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("LISTEN_FDS", "2");
      env.put("LISTEN_FDNAMES", "web:admin");
      List<String> argv = new ArrayList<>(List.of("sh", "-c", "export LISTEN_PID=$$; exec \"$@\"",
          "sh"));
      argv.addAll(childCommand("activated"));
      List<String> envStrings = new ArrayList<>();
      env.forEach((k, v) -> envStrings.add(k + "=" + v));
      pid = new PosixSpawn().dup2(2, 1).dup2(tcp, 3).dup2(unix, 4).closeFrom(5).resetSignals()
          .spawn(argv, envStrings);
    } finally {
      // The child holds the listeners now; should it die, our clients see a reset, not a hang.
      Io.close(tcp);
      Io.close(unix);
    }
    String report;
    String admin;
    try (SocketChannel web = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        SocketChannel adminChannel = SocketChannel.open(UnixDomainSocketAddress.of(unixPath))) {
      report = readAll(web);
      admin = readAll(adminChannel);
    } finally {
      assertEquals(0, Processes.waitpid(pid), "raw wait status of the child");
    }
    assertEquals(String.join("\n",
        "pid " + pid,
        "ListenFd[fd=3, name=web, family=INET, localAddress=127.0.0.1:" + port
            + "] inheritable before true, after false",
        "ListenFd[fd=4, name=admin, family=UNIX, localAddress=" + unixPath
            + "] inheritable before true, after false",
        "taken again []",
        "a child's environment []",
        // The kernel's copy from exec; System.getenv() is the JDK's, made at its first use, so it
        // shows them or not (here: JDK 17 yes, 25 no). Neither is what children inherit.
        "/proc/self/environ [LISTEN_FDNAMES=web:admin, LISTEN_FDS=2, LISTEN_PID=" + pid + "]",
        ""), report);
    assertEquals("hello from admin\n", admin);
  }

  private static String readAll(SocketChannel channel) throws IOException {
    return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
  }

  private static List<String> childCommand(String mode) {
    List<String> command = new ArrayList<>(List.of(HelloIT.javaExecutable(), "-cp",
        System.getProperty("java.class.path")));
    command.addAll(List.of(Workers.QUICK_JVM));
    command.addAll(List.of(SystemdChild.class.getName(), mode));
    return command;
  }
}
