/**
 * Process spawning, reaping and signals, the worker's bootstrap and dispatch; not exported.
 *
 * <p>{@link dev.tether.server.internal.ProcessSpawner} starts a child described by a
 * {@link dev.tether.server.internal.SpawnRequest} and returns a
 * {@link dev.tether.server.internal.ChildProcess} (pid, exit, signals, stop escalation). Every
 * system call goes through the native layer ({@code dev.tether.unix.internal}).
 */
package dev.tether.server.internal;
