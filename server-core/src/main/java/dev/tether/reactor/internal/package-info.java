/**
 * The reactor's own machinery; not exported: the timer heap, outgoing chunk buffers, the defer
 * pool and the profiler. System calls (epoll, eventfd, sockets, SCM_RIGHTS) are the native
 * layer's ({@code dev.tether.unix.internal}). Everything here is single-threaded (the reactor
 * thread) unless its javadoc says otherwise.
 */
package dev.tether.reactor.internal;
