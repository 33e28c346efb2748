/** Poller and fd glue behind the reactor; not exported. */
package dev.tether.reactor.internal;
