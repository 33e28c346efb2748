/**
 * The supervisor: pools of worker JVMs kept alive ({@link dev.tether.supervisor.WorkerPool}),
 * with restart policy, heartbeats, exit records, requests routed to the least loaded worker, and
 * connections accepted by the pool and handed to workers as fds.
 *
 * <p>systemd without libsystemd: {@link dev.tether.supervisor.SystemdNotifier} tells systemd the
 * service's state (sd_notify), and {@link dev.tether.supervisor.SocketActivation} takes the
 * listening sockets systemd passed ({@code LISTEN_PID}, {@code LISTEN_FDS},
 * {@code LISTEN_FDNAMES}) as {@link dev.tether.supervisor.ListenFd}s. Both go through Tether's
 * native layer and do nothing outside systemd (an empty result).
 */
package dev.tether.supervisor;
