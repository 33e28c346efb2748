/**
 * Poller and fd glue behind the reactor; not exported: the jnr-ffi binding of libc ({@link
 * dev.tether.reactor.internal.LibC}), the epoll poller, the wake-up eventfd, sockaddr and
 * SCM_RIGHTS encoding, the timer heap, outgoing chunk buffers, the defer pool and the profiler.
 * Everything here is single-threaded (the reactor thread) unless its javadoc says otherwise.
 */
package dev.tether.reactor.internal;
