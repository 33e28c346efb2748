package dev.tether.reactor;

import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.CleanSpawn;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Poller;
import dev.tether.unix.internal.Processes;
import dev.tether.unix.internal.Sockets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Starts popen children on the worker's spawn path ({@link CleanSpawn}: posix_spawnp, no shell,
 * only fds 0-2 in the child, signals reset) and hands their fds to the reactor. Every fd it makes
 * has one owner at every moment; if a step fails after the child started, the child is killed and
 * reaped before the exception leaves, so a failed popen leaves no fd and no zombie. Reactor
 * thread only (the public methods on {@link Reactor} check).
 */
final class ProcessStarter {
  private ProcessStarter() {}

  static void checkArgv(List<String> argv) {
    Objects.requireNonNull(argv, "argv");
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv : [] (expected: at least the program to run)");
    }
    for (int i = 0; i < argv.size(); i++) {
      if (argv.get(i) == null || argv.get(i).indexOf('\0') >= 0) {
        throw new IllegalArgumentException("argv[" + i + "] : " + argv.get(i)
            + " (expected: a string without NUL)");
      }
    }
  }

  /** See {@link Reactor#popen(List, ProcessOptions, ProcessConnection)}. */
  static <C extends ProcessConnection> C popen(Reactor reactor, List<String> argv,
      ProcessOptions options, C connection) {
    checkArgv(argv);
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(connection, "connection");
    if (connection.isBound()) {
      throw new ReactorException("connection " + connection.getClass().getName()
          + " is already bound (expected: a new ProcessConnection object per child)");
    }
    List<String> command = List.copyOf(argv);
    int[] pair = Sockets.pair();
    int[] errPipe = null;
    int pid;
    try {
      if (options.stderr() == ProcessOptions.Stderr.SEPARATE) {
        errPipe = Io.pipe(true);
      }
      int childErr = switch (options.stderr()) {
        case INHERIT -> CleanSpawn.INHERIT;
        case MERGE -> pair[1];
        case SEPARATE -> errPipe[1];
      };
      pid = CleanSpawn.spawn(command, environment(options.environment()), options.directory(),
          new int[] {pair[1], pair[1], childErr}, false);
    } catch (NativeCallException e) {
      closeAll(pair[0], errPipe != null ? errPipe[0] : -1);
      throw new ProcessStartException(command, e,
          CleanSpawn.hint(command, options.directory(), e));
    } catch (RuntimeException | Error e) {
      closeAll(pair[0], errPipe != null ? errPipe[0] : -1);
      throw e;
    } finally {
      // The child has its copies; this process keeps only its own ends.
      closeAll(pair[1], errPipe != null ? errPipe[1] : -1);
    }
    return serve(reactor, command, pid, pair[0], errPipe != null ? errPipe[0] : -1, connection);
  }

  /** Gives the running child's fds their owners; on failure kills and reaps it. */
  private static <C extends ProcessConnection> C serve(Reactor reactor, List<String> command,
      int pid, int socket, int errFd, C connection) {
    PidfdHandle process = null;
    StderrHandle stderr = null;
    try {
      Io.makeNonBlockingCloexec(socket);
      process = PidfdHandle.open(reactor, pid, true, connection::processEnded);
      if (errFd >= 0) {
        Io.makeNonBlockingCloexec(errFd);
        stderr = new StderrHandle(reactor, connection, errFd);
        reactor.register(stderr, Poller.READ);
      }
    } catch (RuntimeException | Error e) {
      StderrHandle pipe = stderr;
      PidfdHandle child = process;
      // It owns errFd once made, registered or not.
      cleanUp(e, () -> {
        if (pipe != null) {
          pipe.close();
        } else {
          closeAll(errFd, -1);
        }
      });
      cleanUp(e, () -> closeAll(socket, -1));
      cleanUp(e, () -> {
        if (child != null) {
          child.shutdown(); // kills and reaps
        } else {
          killAndReap(pid);
        }
      });
      throw e;
    }
    connection.startProcess(reactor, command, process, stderr);
    try {
      reactor.adoptSocket(socket, connection); // owns the socket from here, also on failure
    } catch (RuntimeException | Error e) {
      connection.abandon();
      StderrHandle pipe = stderr;
      if (pipe != null) {
        cleanUp(e, pipe::close);
      }
      cleanUp(e, process::shutdown);
      throw e;
    }
    return connection;
  }

  /** Without a pidfd, the pid is still our unreaped child: safe to signal and wait for. */
  private static void killAndReap(int pid) {
    try {
      Processes.kill(pid, Linux.SIGKILL);
    } finally {
      Processes.waitpid(pid);
    }
  }

  /** Runs a clean-up step after {@code primary}; a failure of it is added as suppressed. */
  private static void cleanUp(Throwable primary, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException failure) {
      primary.addSuppressed(failure);
    }
  }

  private static List<String> environment(Map<String, String> env) {
    List<String> out = new ArrayList<>(env.size());
    env.forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  private static void closeAll(int a, int b) {
    try {
      if (a >= 0) {
        Io.close(a);
      }
    } finally {
      if (b >= 0) {
        Io.close(b);
      }
    }
  }
}
