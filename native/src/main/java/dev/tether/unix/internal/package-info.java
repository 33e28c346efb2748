/**
 * The native layer as Tether's modules use it (exported to them only): checked system calls that
 * throw {@link dev.tether.unix.NativeCallException}, the Linux constants ({@link
 * dev.tether.unix.internal.Linux}), the owned fd ({@link dev.tether.unix.internal.Fd}), sockets and
 * socket addresses (Unix datagrams to paths and abstract names included), SCM_RIGHTS, epoll, the
 * wake-up eventfd, pipes, signals, waiting, posix_spawn, the C environment and the monotonic
 * clock. Each class says whether it is thread-safe; fds it returns belong to the caller.
 */
package dev.tether.unix.internal;
