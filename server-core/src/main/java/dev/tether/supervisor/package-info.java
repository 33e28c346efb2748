/**
 * The supervisor: worker pools, connection handoff, systemd integration and status.
 *
 * <p>For now it holds the systemd side: {@link dev.tether.supervisor.SystemdNotifier} tells
 * systemd the service's state (sd_notify without libsystemd), and {@link
 * dev.tether.supervisor.SocketActivation} takes the listening sockets systemd passed
 * ({@code LISTEN_PID}, {@code LISTEN_FDS}, {@code LISTEN_FDNAMES}) as {@link
 * dev.tether.supervisor.ListenFd}s. Both go through Tether's native layer; neither needs systemd to
 * be installed, and both do nothing outside systemd (an empty result).
 */
package dev.tether.supervisor;
