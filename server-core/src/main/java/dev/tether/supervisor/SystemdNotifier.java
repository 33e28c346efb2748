package dev.tether.supervisor;

import static dev.tether.supervisor.SystemdVariables.positive;

import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Clocks;
import dev.tether.unix.internal.Environment;
import dev.tether.unix.internal.Fd;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.Sockets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd the service's state, as sd_notify(3) does, without libsystemd: one datagram per
 * message to the socket named by {@code NOTIFY_SOCKET} (a path, or '@' and a name in the abstract
 * namespace), each message newline-separated {@code NAME=value} assignments. systemd listens only
 * with {@code Type=notify} or {@code notify-reload}, and by default only to the main process
 * ({@code NotifyAccess=main}).
 *
 * <p>Thread-safe: sends are serialized, each one a single datagram. The notifier owns one AF_UNIX
 * datagram socket (close-on-exec, so no child inherits it) from {@link #fromEnvironment()} until
 * {@link #close()}; a send after close throws {@link IllegalStateException}. It leaves {@code
 * NOTIFY_SOCKET} in the environment: children that should not notify must be spawned without it.
 *
 * <p>Failures. A message systemd would drop or misread is refused before anything is sent, with
 * {@link IllegalArgumentException} naming the value: no assignment, an assignment without a name
 * and '=', a newline or NUL inside one, or {@value #MAX_MESSAGE_BYTES} bytes or more (the size of
 * systemd's receive buffer). When systemd's socket is gone (ECONNREFUSED, ENOENT: systemd is
 * re-executing, or the variable is stale outside systemd), a send returns false and logs a warning
 * once until a send succeeds again: as with sd_notify(3), whose result services ignore, losing
 * systemd must not stop the service; with {@code Type=notify} systemd notices a missing {@code
 * READY=1} or watchdog ping itself. Any other failure of the socket throws {@link
 * NativeCallException}. Sends block only while systemd's receive queue is full, as sd_notify's do.
 */
public final class SystemdNotifier implements AutoCloseable {
  /** A message must be shorter than this: systemd reads each into a buffer of 4096 bytes. */
  public static final int MAX_MESSAGE_BYTES = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);

  private final String socketName;
  private final Optional<Duration> watchdogInterval;
  private final Fd socket;
  private final Sockets sockets = new Sockets();
  private final ByteBuffer buffer = Memory.allocate(MAX_MESSAGE_BYTES);
  private boolean warnedUnreachable;

  private SystemdNotifier(String socketName, Optional<Duration> watchdogInterval) {
    this.socketName = socketName;
    this.watchdogInterval = watchdogInterval;
    this.socket = Fd.own(Sockets.unixDatagram());
  }

  /**
   * A notifier for the socket in {@code NOTIFY_SOCKET}, or empty when it is unset or empty (not
   * started by systemd, or by a unit that is not {@code Type=notify}).
   *
   * @throws SystemdEnvironmentException if {@code NOTIFY_SOCKET} is neither an absolute path nor
   *     '@' and a name (systemd 254's {@code vsock:} addresses are refused too), or {@code
   *     WATCHDOG_USEC} or {@code WATCHDOG_PID} is not a positive integer
   */
  public static Optional<SystemdNotifier> fromEnvironment() {
    return fromEnvironment(Environment::get, ProcessHandle.current().pid());
  }

  static Optional<SystemdNotifier> fromEnvironment(UnaryOperator<String> environment, long pid) {
    String name = environment.apply("NOTIFY_SOCKET");
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    if (!name.startsWith("/") && !(name.startsWith("@") && name.length() > 1)) {
      throw new SystemdEnvironmentException("NOTIFY_SOCKET", name,
          "an absolute path, or '@' and a name in the abstract namespace");
    }
    return Optional.of(new SystemdNotifier(name, watchdogInterval(environment, pid)));
  }

  /** sd_watchdog_enabled(3): only the process WATCHDOG_PID names (any if unset) pings. */
  private static Optional<Duration> watchdogInterval(UnaryOperator<String> environment, long pid) {
    String usec = environment.apply("WATCHDOG_USEC");
    if (usec == null) {
      return Optional.empty();
    }
    String watchdogPid = environment.apply("WATCHDOG_PID");
    if (watchdogPid != null
        && positive("WATCHDOG_PID", watchdogPid, Integer.MAX_VALUE) != pid) {
      return Optional.empty();
    }
    long micros = positive("WATCHDOG_USEC", usec, Long.MAX_VALUE);
    return Optional.of(Duration.of(micros, ChronoUnit.MICROS).dividedBy(2));
  }

  /**
   * How often to call {@link #watchdog()}: half of {@code WATCHDOG_USEC}, as sd_watchdog_enabled(3)
   * advises; empty when systemd watches no process, or another one ({@code WATCHDOG_PID}).
   */
  public Optional<Duration> watchdogInterval() {
    return watchdogInterval;
  }

  /** {@code READY=1}: start-up is finished. See the class comment for the result. */
  public boolean ready() {
    return send("READY=1");
  }

  /**
   * {@code STATUS=text}, shown by {@code systemctl status}.
   *
   * @throws IllegalArgumentException if {@code text} has a newline or NUL, or is too long
   */
  public boolean status(String text) {
    return send("STATUS=" + text);
  }

  /** {@code STOPPING=1}: shutdown has begun. */
  public boolean stopping() {
    return send("STOPPING=1");
  }

  /**
   * {@code RELOADING=1} with {@code MONOTONIC_USEC} (CLOCK_MONOTONIC now, in µs), which {@code
   * Type=notify-reload} requires; send {@link #ready()} when the reload is done.
   */
  public boolean reloading() {
    return send("RELOADING=1", "MONOTONIC_USEC=" + Clocks.monotonicMicros());
  }

  /** {@code WATCHDOG=1}: a keep-alive ping, due every {@link #watchdogInterval()}. */
  public boolean watchdog() {
    return send("WATCHDOG=1");
  }

  /**
   * Sends {@code assignments} ({@code NAME=value} each) as one message.
   *
   * @return true if systemd's socket took it, false if the socket is gone (logged)
   * @throws IllegalArgumentException if the message is malformed or too long (nothing is sent)
   * @throws IllegalStateException after {@link #close()}
   * @throws NativeCallException if the send fails otherwise
   */
  public boolean send(String... assignments) {
    byte[] message = encode(assignments);
    synchronized (this) {
      int fd = socket.number();
      if (fd < 0) {
        throw new IllegalStateException("notifier for " + socketName + " is closed");
      }
      buffer.put(0, message);
      try {
        sockets.sendTo(fd, Memory.address(buffer), message.length, socketName);
      } catch (NativeCallException e) {
        if (e.errno() != Linux.ECONNREFUSED && e.errno() != Linux.ENOENT) {
          throw e;
        }
        if (!warnedUnreachable) {
          warnedUnreachable = true;
          LOG.warn("systemd's notify socket is gone, messages are lost until it is back: {}",
              e.getMessage());
        }
        return false;
      }
      warnedUnreachable = false;
      return true;
    }
  }

  private static byte[] encode(String... assignments) {
    if (assignments.length == 0) {
      throw new IllegalArgumentException("assignments : [] (expected: at least one NAME=value)");
    }
    for (String a : assignments) {
      if (a.indexOf('=') <= 0 || a.indexOf('\n') >= 0 || a.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("assignment : \"" + a.replace("\n", "\\n")
            .replace("\0", "\\0") + "\" (expected: NAME=value, no newline or NUL)");
      }
    }
    byte[] message = String.join("\n", assignments).getBytes(StandardCharsets.UTF_8);
    if (message.length >= MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException("message : " + message.length + " bytes (expected: < "
          + MAX_MESSAGE_BYTES + ", systemd's notify buffer), starting " + assignments[0]
          .substring(0, Math.min(40, assignments[0].length())));
    }
    return message;
  }

  /** Closes the socket; later calls do nothing. */
  @Override
  public synchronized void close() {
    socket.close();
  }

  @Override
  public String toString() {
    return "SystemdNotifier[" + socketName + "]";
  }
}
