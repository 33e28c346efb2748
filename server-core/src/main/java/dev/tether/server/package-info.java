/**
 * {@code AbstractServer}: a supervisor-side object that spawns a worker JVM over a socket pair and
 * the same class's worker side, which dispatches named messages on the reactor.
 */
package dev.tether.server;
