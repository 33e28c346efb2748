package dev.tether.it;

import dev.tether.supervisor.ListenFd;
import dev.tether.supervisor.SocketActivation;
import dev.tether.supervisor.SystemdNotifier;
import dev.tether.unix.internal.EpollPoller;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Poller;
import dev.tether.unix.internal.Sockets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A service under a fake systemd, for {@link SystemdIT}: {@code notify} sends READY, a STATUS
 * with its watchdog interval, WATCHDOG and STOPPING; {@code activated} takes its listening
 * sockets, answers one connection on each, and tells on the first what it saw.
 */
public final class SystemdChild {
  private SystemdChild() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("notify")) {
      notifyAll(SystemdNotifier.fromEnvironment().orElseThrow());
    } else {
      activated();
    }
  }

  private static void notifyAll(SystemdNotifier notifier) {
    try (notifier) {
      notifier.ready();
      notifier.status("watchdog " + notifier.watchdogInterval().map(Duration::toString)
          .orElse("off"));
      notifier.watchdog();
      notifier.stopping();
    }
  }

  private static void activated() throws IOException, InterruptedException {
    boolean[] inheritable = {!Io.isCloexec(3), !Io.isCloexec(4)};
    List<ListenFd> fds = SocketActivation.takeListenFds();
    List<String> report = new ArrayList<>();
    report.add("pid " + ProcessHandle.current().pid());
    for (ListenFd fd : fds) {
      report.add(fd + " inheritable before " + inheritable[fd.fd() - 3] + ", after "
          + !Io.isCloexec(fd.fd()));
    }
    report.add("taken again " + SocketActivation.takeListenFds());
    report.add("a child's environment " + listenVariables(childEnvironment()));
    report.add("/proc/self/environ " + listenVariables(Arrays.asList(Files.readString(
        Path.of("/proc/self/environ")).split("\0"))));
    answerOne(fds.get(0).fd(), String.join("\n", report) + "\n");
    answerOne(fds.get(1).fd(), "hello from " + fds.get(1).name() + "\n");
  }

  /** What a process spawned now inherits: ProcessBuilder passes the C environment on as it is. */
  private static List<String> childEnvironment() throws IOException, InterruptedException {
    Process env = new ProcessBuilder("env").redirectErrorStream(true).start();
    String out = new String(env.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    env.waitFor();
    return Arrays.asList(out.split("\n"));
  }

  private static List<String> listenVariables(java.util.Collection<String> entries) {
    return entries.stream().filter(e -> e.startsWith("LISTEN_")).sorted()
        .collect(Collectors.toList());
  }

  /** Waits for a connection on {@code listenFd} (non-blocking, as the test made it), answers. */
  private static void answerOne(int listenFd, String answer) {
    try (Poller poller = new EpollPoller(1)) {
      poller.add(listenFd, Poller.READ, 0);
      int fd;
      while ((fd = new Sockets().accept(listenFd)) < 0) {
        poller.poll(-1);
      }
      Io.writeFully(fd, answer.getBytes(StandardCharsets.UTF_8));
      Io.close(fd);
    }
  }
}
