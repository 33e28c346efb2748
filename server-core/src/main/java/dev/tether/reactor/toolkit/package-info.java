/**
 * EventMachine's toolkit objects in Java form, each bound to one {@link
 * dev.tether.reactor.Reactor}'s loop thread: {@link dev.tether.reactor.toolkit.Channel}
 * (publish/subscribe), {@link dev.tether.reactor.toolkit.Queue} (push/pop work queue), {@link
 * dev.tether.reactor.toolkit.Iterator} (each/map/inject with a concurrency limit), {@link
 * dev.tether.reactor.toolkit.TickLoop} (a body every tick until it stops) and {@link
 * dev.tether.reactor.toolkit.Spawned} (Erlang-style lightweight processes, EventMachine's
 * {@code spawn}).
 *
 * <p>All callbacks run on the reactor thread, each in a task of its own on a later tick, never
 * inside the call that triggered it: an exception from one goes to the reactor's {@link
 * dev.tether.reactor.ErrorHandler} and does not hold up the others. Methods are for the reactor
 * thread only, and throw {@link dev.tether.reactor.ReactorException} elsewhere, unless their
 * javadoc says "any thread". Every backlog is bounded by a limit given at construction; past it
 * the call throws {@link dev.tether.reactor.toolkit.BacklogFullException}.
 */
package dev.tether.reactor.toolkit;
