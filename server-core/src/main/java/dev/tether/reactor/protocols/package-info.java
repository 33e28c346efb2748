/**
 * EventMachine's protocol modules on Tether's reactor: each a {@link dev.tether.reactor.Connection}
 * subclass (or a decorator) whose callbacks run on the reactor thread, with every buffer bounded
 * by a configurable limit.
 */
package dev.tether.reactor.protocols;
