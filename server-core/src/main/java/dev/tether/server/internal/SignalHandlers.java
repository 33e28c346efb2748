package dev.tether.server.internal;

import dev.tether.server.TetherException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Worker signal handling through {@code sun.misc.Signal}: the thread the JVM runs a handler on only
 * hands the signal to the reactor ({@link dev.tether.reactor.Reactor#schedule}), so handlers run
 * on the reactor thread like every other callback.
 *
 * <p>Which signals: the JVM refuses QUIT (thread dumps), ILL, FPE, KILL, SEGV and STOP, and needs
 * BUS, PIPE and XFSZ for itself, so only {@link #ALLOWED} signals may get a handler. HUP, INT and
 * TERM replace the JVM's shutdown-hook handler (the worker no longer exits on them unless the
 * handler makes it). USR2 is HotSpot's thread suspend/resume signal: a worker may handle it only
 * when {@code _JAVA_SR_SIGNUM} (set to 40 by {@code AbstractServer.start()} whenever a USR2 handler
 * is defined) has moved HotSpot to another signal; otherwise installing it fails.
 */
public final class SignalHandlers {
  /** Signals that may get a handler, without the "SIG" prefix. */
  public static final Set<String> ALLOWED = Set.of("HUP", "INT", "TERM", "USR1", "USR2", "ALRM",
      "WINCH", "CONT", "TSTP", "TTIN", "TTOU", "URG", "CHLD");
  /** HotSpot's suspend/resume signal moves off USR2 when this variable names another signal. */
  public static final String SR_SIGNUM_VARIABLE = "_JAVA_SR_SIGNUM";
  /** The signal HotSpot uses instead of USR2 in workers that handle USR2 (a free real-time one). */
  public static final String SR_SIGNUM = "40";

  private SignalHandlers() {}

  /**
   * The canonical name ("USR1") of {@code name} ("USR1", "SIGUSR1", "usr1").
   *
   * @throws IllegalArgumentException if the signal cannot get a handler, naming the allowed ones
   */
  public static String canonical(String name) {
    Objects.requireNonNull(name, "signal");
    String n = name.toUpperCase(Locale.ROOT);
    if (n.startsWith("SIG")) {
      n = n.substring(3);
    }
    if (!ALLOWED.contains(n)) {
      throw new IllegalArgumentException("signal : " + name + " (expected: one of "
          + new TreeSet<>(ALLOWED) + "; the JVM reserves QUIT, ILL, FPE, KILL, SEGV, STOP, BUS, "
          + "PIPE and XFSZ)");
    }
    return n;
  }

  /**
   * The number on this system of any signal the JVM knows, e.g. 10 for "USR1" or "SIGUSR1".
   *
   * @throws IllegalArgumentException if the JVM does not know the signal
   */
  public static int number(String name) {
    String n = name.startsWith("SIG") ? name.substring(3) : name;
    return new Signal(n).getNumber();
  }

  /** Makes the JVM ignore SIGHUP (a worker must not die when its terminal goes away). */
  public static void ignoreHangup() {
    Signal.handle(new Signal("HUP"), SignalHandler.SIG_IGN);
  }

  /**
   * Installs {@code handlers} (canonical name to handler) so that each runs on the reactor thread
   * of {@code worker} (a signal that comes while the reactor is not ready yet waits for it).
   * Returns what puts the previous handlers back.
   *
   * @throws TetherException if USR2 is handled but HotSpot still uses it, or the JVM refuses one;
   *     the handlers installed before the failure are restored first
   */
  public static Runnable install(Map<String, Runnable> handlers, WorkerBootstrap worker) {
    List<Runnable> restore = new ArrayList<>();
    Runnable restoreAll = () -> {
      for (int i = restore.size() - 1; i >= 0; i--) {
        restore.get(i).run();
      }
    };
    try {
      handlers.forEach((name, handler) -> {
        if (name.equals("USR2")) {
          String sr = System.getenv(SR_SIGNUM_VARIABLE);
          if (sr == null || sr.isBlank() || sr.trim().equals("12")) {
            throw new TetherException("cannot handle USR2: HotSpot uses it to suspend threads; "
                + "start the JVM with " + SR_SIGNUM_VARIABLE + "=" + SR_SIGNUM
                + " in its environment (AbstractServer.start() does)");
          }
        }
        Signal signal = new Signal(name);
        SignalHandler previous;
        try {
          previous = Signal.handle(signal, s -> worker.reactor().schedule(handler));
        } catch (IllegalArgumentException e) {
          throw new TetherException("the JVM refuses a handler for SIG" + name + ": "
              + e.getMessage(), e);
        }
        restore.add(() -> Signal.handle(signal, previous));
      });
    } catch (RuntimeException e) {
      restoreAll.run();
      throw e;
    }
    return restoreAll;
  }
}
