/**
 * Process spawning (posix_spawn through jnr-ffi), reaping and signals; not exported.
 *
 * <p>{@link dev.tether.server.internal.ProcessSpawner} starts a child described by a
 * {@link dev.tether.server.internal.SpawnRequest} and returns a
 * {@link dev.tether.server.internal.ChildProcess} (pid, exit, signals, stop escalation).
 * {@code Posix} is the checked glibc binding underneath.
 *
 * <p>jnr-ffi generates the implementation of {@link dev.tether.server.internal.LibC} in a class
 * loader of its own. On the class path that just works; on the module path the generated class
 * cannot see this non-exported package, so run with {@code -Djnr.ffi.asm.enabled=false} (jnr-ffi's
 * reflection loader, verified) or {@code --add-exports
 * dev.tether.server/dev.tether.server.internal=ALL-UNNAMED}.
 */
package dev.tether.server.internal;
