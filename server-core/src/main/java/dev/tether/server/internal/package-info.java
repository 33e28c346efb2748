/** Process spawning (posix_spawn through jnr-ffi), reaping and signals; not exported. */
package dev.tether.server.internal;
