package dev.tether.supervisor;

import static dev.tether.supervisor.SystemdVariables.positive;

import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Environment;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Sockets;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Takes the listening sockets that systemd socket activation passed to this process, as
 * sd_listen_fds_with_names(3) with {@code unset_environment} does: fds from 3 up, counted by
 * {@code LISTEN_FDS}, named by {@code LISTEN_FDNAMES}, meant for the process {@code LISTEN_PID}.
 *
 * <p>Ownership: the caller takes the fds of the returned list and closes them (or keeps them for
 * the life of the process). Taking is once: the variables are removed from the C environment
 * whatever the outcome, so a second call, and a child spawned from the C environment, sees none.
 * {@link System#getenv()} may still show them (it is the JDK's copy, made at its first use, which
 * on JDK 17 comes earlier): spawners that build a child environment from it, as {@code
 * JavaCommand} and {@code SpawnRequest} do, must drop {@link #VARIABLES} themselves.
 *
 * <p>Call it once, early at start-up: it changes the process environment and fds, which is not
 * safe while C code in other threads reads the environment (see unsetenv(3)).
 */
public final class SocketActivation {
  /** {@code SD_LISTEN_FDS_START}: the first passed fd. */
  public static final int FIRST_FD = 3;

  /** The variables of socket activation, which no child should inherit. */
  public static final List<String> VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS",
      "LISTEN_FDNAMES");

  private SocketActivation() {}

  /**
   * The passed listening sockets, now close-on-exec (systemd passes them inheritable, see
   * systemd#36899); empty when {@code LISTEN_PID} or {@code LISTEN_FDS} is unset or {@code
   * LISTEN_PID} is another process. Removes the three variables from the C environment.
   *
   * @throws SystemdEnvironmentException naming the variable, its value and what was expected:
   *     {@code LISTEN_PID} or {@code LISTEN_FDS} not a positive integer, {@code LISTEN_FDNAMES} not
   *     one name per fd, or an fd not open, not a socket, not listening, or of a family other than
   *     AF_INET, AF_INET6 and AF_UNIX. The fds stay open then, and still the caller's.
   */
  public static List<ListenFd> takeListenFds() {
    try {
      return listenFds(Environment::get, ProcessHandle.current().pid(), FIRST_FD);
    } finally {
      VARIABLES.forEach(Environment::unset);
    }
  }

  static List<ListenFd> listenFds(UnaryOperator<String> environment, long pid, int firstFd) {
    String listenPid = environment.apply("LISTEN_PID");
    String listenFds = environment.apply("LISTEN_FDS");
    if (listenPid == null || positive("LISTEN_PID", listenPid, Integer.MAX_VALUE) != pid
        || listenFds == null) {
      return List.of();
    }
    int count = (int) positive("LISTEN_FDS", listenFds, Integer.MAX_VALUE - firstFd);
    String fdNames = environment.apply("LISTEN_FDNAMES");
    List<String> names = fdNames == null ? Collections.nCopies(count, "unknown")
        : List.of(fdNames.split(":", -1));
    if (names.size() != count) {
      throw new SystemdEnvironmentException("LISTEN_FDNAMES", fdNames,
          count + " colon-separated names, one per fd of LISTEN_FDS=" + listenFds);
    }
    Sockets sockets = new Sockets();
    List<ListenFd> fds = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      fds.add(inspect(sockets, firstFd + i, names.get(i), firstFd, count));
    }
    return List.copyOf(fds);
  }

  private static ListenFd inspect(Sockets sockets, int fd, String name, int firstFd, int count) {
    String problem;
    try {
      Io.setCloexec(fd);
      int family = sockets.family(fd);
      StandardProtocolFamily protocolFamily = family == Linux.AF_INET
          ? StandardProtocolFamily.INET : family == Linux.AF_INET6
          ? StandardProtocolFamily.INET6 : family == Linux.AF_UNIX
          ? StandardProtocolFamily.UNIX : null;
      if (!sockets.isListening(fd)) {
        problem = "is a socket that does not listen";
      } else if (protocolFamily == null) {
        problem = "is of address family " + family;
      } else {
        return new ListenFd(fd, name, protocolFamily, sockets.localName(fd));
      }
    } catch (NativeCallException e) {
      if (e.errno() == Linux.EBADF) {
        problem = "is not open";
      } else if (e.errno() == Linux.ENOTSOCK) {
        problem = "is not a socket";
      } else {
        throw e;
      }
    }
    throw new SystemdEnvironmentException("LISTEN_FDS", String.valueOf(count), "fds " + firstFd
        + ".." + (firstFd + count - 1) + " listening AF_INET, AF_INET6 or AF_UNIX sockets; fd "
        + fd + " " + problem);
  }
}
