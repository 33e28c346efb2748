package dev.tether.supervisor.internal;

import dev.tether.reactor.Reactor;
import dev.tether.supervisor.PoolState;
import dev.tether.supervisor.SystemdNotifier;
import java.time.Duration;
import java.util.Optional;

/**
 * What a pool tells systemd (SUPERVISOR.md, as Puma does): {@code READY=1} only once the pool's
 * size serves for the first time (never before a worker booted), a {@code STATUS=} line at each
 * change of state, {@code STOPPING=1} when it stops, and {@code WATCHDOG=1} at half of
 * {@code WATCHDOG_USEC} from the pool's own loop, so a stuck loop stops the pings.
 *
 * <p>The pool's loop thread only. Owns its notifier (closed by {@link #close()}).
 */
final class SystemdStatus {
  private final SystemdNotifier notifier;
  private final String serverClass;
  private boolean readySent;

  private SystemdStatus(SystemdNotifier notifier, String serverClass) {
    this.notifier = notifier;
    this.serverClass = serverClass;
  }

  /** A status for systemd if NOTIFY_SOCKET is set, else empty. */
  static Optional<SystemdStatus> fromEnvironment(String serverClass) {
    return SystemdNotifier.fromEnvironment().map(n -> new SystemdStatus(n, serverClass));
  }

  void startWatchdog(Reactor reactor) {
    Optional<Duration> interval = notifier.watchdogInterval();
    interval.ifPresent(d -> reactor.addPeriodicTimer(d, notifier::watchdog));
  }

  void changed(PoolState state, int ready, int size, String gaveUp) {
    String workers = ready + " of " + size + " workers of " + serverClass + " ready";
    switch (state) {
      case SERVING -> {
        notifier.status("serving: " + workers);
        if (!readySent) {
          readySent = true;
          notifier.ready();
        }
      }
      case STARTING -> notifier.status("starting: " + workers);
      case DEGRADED -> notifier.status("degraded: " + workers + "; replacing workers");
      case GAVE_UP -> notifier.status("gave up respawning workers (" + gaveUp + "): " + workers);
      case STOPPING -> notifier.stopping();
      default -> { }
    }
  }

  void close() {
    notifier.close();
  }
}
