package dev.tether.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks of socket activation on fds of this JVM (one at a time: their numbers are the
 * kernel's choice). A child JVM with fds 3 and 4 is SystemdIT's.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SocketActivationTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final String OUR_PID = Long.toString(PID);
  private final Sockets sockets = new Sockets();

  @Test
  void aListeningTcpSocketIsTakenWithItsNameFamilyAndAddress() {
    int fd = sockets.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    try {
      int port = ((InetSocketAddress) sockets.localAddress(fd)).getPort();
      assertEquals(List.of(new ListenFd(fd, "web", StandardProtocolFamily.INET,
          "127.0.0.1:" + port)), take(fd, "LISTEN_PID", OUR_PID, "LISTEN_FDS", "1",
          "LISTEN_FDNAMES", "web"));
    } finally {
      Io.close(fd);
    }
  }

  @Test
  void aUnixListenerWithoutNamesIsUnknown(@TempDir Path dir) {
    Path path = dir.resolve("admin.sock");
    int fd = sockets.listenUnix(path, 4);
    try {
      assertEquals(List.of(new ListenFd(fd, "unknown", StandardProtocolFamily.UNIX,
          path.toString())), take(fd, "LISTEN_PID", OUR_PID, "LISTEN_FDS", "1"));
    } finally {
      Io.close(fd);
    }
  }

  @Test
  void nothingIsTakenForAnotherProcessOrWithoutTheVariables() {
    // fd -1 would fail every check: these return before looking at any fd.
    assertEquals(List.of(), take(-1, "LISTEN_PID", Long.toString(PID + 1), "LISTEN_FDS", "1"));
    assertEquals(List.of(), take(-1, "LISTEN_FDS", "1"));
    assertEquals(List.of(), take(-1, "LISTEN_PID", OUR_PID));
  }

  @Test
  void badValuesNameTheVariableTheValueAndTheExpectation() {
    assertEquals("LISTEN_FDS : abc (expected: an integer in 1..2147483644)",
        error(3, "LISTEN_PID", OUR_PID, "LISTEN_FDS", "abc"));
    assertEquals("LISTEN_FDS : 0 (expected: an integer in 1..2147483644)",
        error(3, "LISTEN_PID", OUR_PID, "LISTEN_FDS", "0"));
    assertEquals("LISTEN_PID : self (expected: an integer in 1..2147483647)",
        error(3, "LISTEN_PID", "self", "LISTEN_FDS", "1"));
    assertEquals("LISTEN_FDNAMES : web (expected: 2 colon-separated names, one per fd of"
        + " LISTEN_FDS=2)", error(3, "LISTEN_PID", OUR_PID, "LISTEN_FDS", "2",
            "LISTEN_FDNAMES", "web"));
    assertEquals("LISTEN_FDNAMES : a:b:c (expected: 2 colon-separated names, one per fd of"
        + " LISTEN_FDS=2)", error(3, "LISTEN_PID", OUR_PID, "LISTEN_FDS", "2",
            "LISTEN_FDNAMES", "a:b:c"));
  }

  @Test
  void fdsThatAreNoListeningSocketsAreRefused() {
    int[] pair = Sockets.pair();
    int[] pipe = Io.pipe(true);
    Io.close(pipe[1]);
    try {
      assertEquals(expectedFdError(pair[0], "is a socket that does not listen"),
          error(pair[0], "LISTEN_PID", OUR_PID, "LISTEN_FDS", "1"));
      assertEquals(expectedFdError(pipe[0], "is not a socket"),
          error(pipe[0], "LISTEN_PID", OUR_PID, "LISTEN_FDS", "1"));
      assertEquals(expectedFdError(pipe[1], "is not open"),
          error(pipe[1], "LISTEN_PID", OUR_PID, "LISTEN_FDS", "1"));
    } finally {
      Io.close(pair[0]);
      Io.close(pair[1]);
      Io.close(pipe[0]);
    }
  }

  private static String expectedFdError(int fd, String problem) {
    return "LISTEN_FDS : 1 (expected: fds " + fd + ".." + fd
        + " listening AF_INET, AF_INET6 or AF_UNIX sockets; fd " + fd + " " + problem + ")";
  }

  private static List<ListenFd> take(int firstFd, String... variables) {
    return SocketActivation.listenFds(env(variables)::get, PID, firstFd);
  }

  private static String error(int firstFd, String... variables) {
    return assertThrows(SystemdEnvironmentException.class, () -> take(firstFd, variables))
        .getMessage();
  }

  private static Map<String, String> env(String... variables) {
    Map<String, String> env = new java.util.HashMap<>();
    for (int i = 0; i < variables.length; i += 2) {
      env.put(variables[i], variables[i + 1]);
    }
    return env;
  }
}
