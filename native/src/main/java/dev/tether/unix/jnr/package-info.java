/**
 * The jnr-ffi binding of glibc, in parts that load separately so a process binds only what it
 * uses: {@link dev.tether.unix.jnr.FileCalls}, {@link dev.tether.unix.jnr.SocketCalls}, {@link
 * dev.tether.unix.jnr.EpollCalls}, {@link dev.tether.unix.jnr.ProcessCalls}, loaded by {@link
 * dev.tether.unix.jnr.Libc}. Nothing outside {@code dev.tether.unix.internal} uses this package: a
 * move to the JDK's FFM API replaces it and nothing else.
 *
 * <p>Every method of a jnr-ffi library interface is bound as a native function, so the interfaces
 * hold native functions only. Buffers and structs are raw addresses of direct memory the caller
 * owns (a call allocates nothing); functions that return -1 save errno for {@link
 * dev.tether.unix.jnr.Libc#errno()}, unless marked {@code @IgnoreError}.
 */
package dev.tether.unix.jnr;
