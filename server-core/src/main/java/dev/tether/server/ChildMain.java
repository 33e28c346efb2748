package dev.tether.server;

import dev.tether.reactor.Reactor;
import dev.tether.server.internal.ChannelFdCheck;
import dev.tether.server.internal.SignalHandlers;
import dev.tether.server.internal.WorkerBootstrap;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of a worker JVM: {@code java ... dev.tether.server.ChildMain <server class>
 * [args...]}, with the channel to the supervisor at fd 3 (or at the fd named by the environment
 * variable {@value AbstractServer#CHANNEL_FD_VARIABLE}). {@link AbstractServer#start()} runs it;
 * it can also be started by any program that hands it a connected AF_UNIX stream socket.
 *
 * <p>In order: a bootstrap takes the inherited fd (plain JDK streams: no native code yet) and a
 * thread starts loading the native layer and the reactor; SIGHUP is ignored (signal
 * dispositions are otherwise the defaults, which {@code posix_spawn} restored); the server class
 * is loaded and constructed with its public no-arg constructor; its arguments are set
 * ({@link AbstractServer#arguments()}); then the worker side runs as in
 * {@link AbstractServer#startSynchronously}. {@code initializeServer()} and the messages already
 * waiting run while the native code still loads, so the first reply does not wait for it; once it
 * is loaded, the channel moves to a close-on-exec duplicate (processes the worker starts do not
 * inherit it) served by the reactor. A handler that asks for the reactor before waits for it. No
 * handshake precedes the first message.
 *
 * <p>Before anything else it checks that the channel fd is a connected AF_UNIX stream socket
 * (through /proc, no native code); if not, or if the variable is not an fd number, it prints a
 * message naming the fd and what it found on stderr and exits 2, without touching the fd.
 *
 * <p>Exit status: 0 after {@code finalizeServer()} returned; 2 for a bad channel fd (above); 1 if
 * anything else failed (bad arguments,
 * class not found or not an {@code AbstractServer}, an exception in {@code initializeServer()} or
 * {@code finalizeServer()}, a broken channel, native code that cannot load), with the cause
 * logged, and printed on stderr when logging would drop it (no SLF4J provider bound). The JVM
 * exits with {@code System.exit}, so threads the server left running do not keep it alive.
 */
public final class ChildMain {
  private static final int DEFAULT_CHANNEL_FD = 3;
  /** Exit status of a worker started wrongly: bad channel fd or channel fd variable. */
  static final int USAGE_ERROR = 2;

  private ChildMain() {}

  /** Runs the worker; see the class documentation. Never returns. */
  public static void main(String[] args) {
    String variable = System.getenv(AbstractServer.CHANNEL_FD_VARIABLE);
    int fd = channelFd(variable);
    String usage = fd < 0
        ? AbstractServer.CHANNEL_FD_VARIABLE + " : " + variable + " (expected: an fd number >= 0)"
        : ChannelFdCheck.problem(fd);
    if (usage != null) {
      // Nothing else has run: no logging to set up, and fd 3 must not be read or closed.
      System.err.println("tether worker: " + usage);
      System.exit(USAGE_ERROR);
    }
    int status;
    try {
      run(args, fd);
      status = 0;
    } catch (Throwable t) {
      reportFatal(args.length > 0 ? args[0] : "(no class given)", t);
      status = 1;
    }
    System.exit(status);
  }

  /**
   * Logs the worker's fatal error and, if that reached nothing (no SLF4J provider bound, whose
   * stand-in drops everything, or errors switched off), prints it on stderr: a process's fatal
   * error must reach stderr all the same.
   */
  private static void reportFatal(String serverClass, Throwable t) {
    // Looked up here, not in a static field: logging starts only when something is logged.
    Logger log = LoggerFactory.getLogger(ChildMain.class);
    log.error("worker {} failed", serverClass, t);
    if (!log.isErrorEnabled()) {
      System.err.println("worker " + serverClass + " failed");
      t.printStackTrace(System.err);
    }
  }

  private static void run(String[] args, int fd) throws ReflectiveOperationException {
    if (args.length < 1) {
      throw new IllegalArgumentException(
          "arguments : [] (expected: the AbstractServer subclass, then its arguments)");
    }
    // The loader thread does not log: a thread that logs while another initializes logging gets
    // a stand-in logger, whose events a worker exiting at once would lose.
    WorkerBootstrap boot =
        WorkerBootstrap.inherited(fd, AbstractServer.REACTOR_NAME, Reactor::loadNative);
    AbstractServer server;
    try {
      SignalHandlers.ignoreHangup();
      server = instantiate(args[0]);
      server.arguments(List.of(Arrays.copyOfRange(args, 1, args.length)));
    } catch (RuntimeException | ReflectiveOperationException | Error e) {
      boot.close();
      throw e;
    }
    server.serve(boot); // owns and closes it
  }

  /** The channel's fd number: 3, or the variable's value; -1 if that is not an fd number. */
  private static int channelFd(String variable) {
    if (variable == null) {
      return DEFAULT_CHANNEL_FD;
    }
    try {
      return Math.max(-1, Integer.parseInt(variable.trim()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static AbstractServer instantiate(String className) throws ReflectiveOperationException {
    Class<?> c = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
    if (!AbstractServer.class.isAssignableFrom(c)) {
      throw new IllegalArgumentException("server class : " + className
          + " (expected: a subclass of "
          + AbstractServer.class.getName() + ")");
    }
    Constructor<?> constructor;
    try {
      constructor = c.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("server class : " + className
          + " (expected: a public no-arg constructor)", e);
    }
    try {
      return (AbstractServer) constructor.newInstance();
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new TetherException("constructor of " + className + " failed", cause);
    }
  }
}
