package dev.tether.supervisor;

import java.net.StandardProtocolFamily;

/**
 * One listening socket that systemd passed, as {@link SocketActivation#takeListenFds()} found it:
 * open, listening ({@code SO_ACCEPTCONN}) and close-on-exec. Its blocking mode is what systemd set
 * (blocking unless the unit says {@code NonBlocking=yes}). Who holds the list owns the fds.
 *
 * @param fd the fd number, from 3 ({@code SD_LISTEN_FDS_START}) up
 * @param name its name from {@code LISTEN_FDNAMES} (the unit's {@code FileDescriptorName=}), or
 *     {@code "unknown"} as systemd says when there are none
 * @param family {@code INET}, {@code INET6} or {@code UNIX}
 * @param localAddress where it listens: {@code 127.0.0.1:8080}, {@code [::1]:8080}, a Unix socket
 *     path, or {@code @name} in the abstract namespace
 */
public record ListenFd(int fd, String name, StandardProtocolFamily family, String localAddress) {}
