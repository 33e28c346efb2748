/**
 * EventMachine's toolkit objects in Java form, each bound to one {@link
 * dev.tether.reactor.Reactor}'s loop thread: {@link dev.tether.reactor.toolkit.Deferrable} (with a
 * bridge to and from {@code CompletableFuture}), {@link dev.tether.reactor.toolkit.Completion},
 * {@link dev.tether.reactor.toolkit.Pool}, {@link dev.tether.reactor.toolkit.ThreadedResource},
 * {@link dev.tether.reactor.toolkit.FileStreamer}, {@link
 * dev.tether.reactor.toolkit.DeferrableChildProcess}, {@link dev.tether.reactor.toolkit.Channel}
 * (publish/subscribe), {@link dev.tether.reactor.toolkit.Queue} (push/pop work queue), {@link
 * dev.tether.reactor.toolkit.Iterator} (each/map/inject with a concurrency limit), {@link
 * dev.tether.reactor.toolkit.TickLoop} (a body every tick until it stops) and {@link
 * dev.tether.reactor.toolkit.Spawned} (Erlang-style lightweight processes, EventMachine's
 * {@code spawn}).
 *
 * <h2>Threading contract</h2>
 * As in {@code dev.tether.reactor}: every object is bound to one reactor; its methods check that
 * they run on that reactor's thread and throw {@link dev.tether.reactor.ReactorException}
 * otherwise, unless their javadoc says "any thread". Every callback runs on the reactor thread;
 * an exception from one goes to the reactor's {@link dev.tether.reactor.ErrorHandler} (or its
 * log) and the others still run. Nothing here blocks the loop. Every backlog (a pool's waiting
 * work, a channel's undelivered messages, a queue, a mailbox) is bounded by a limit given at
 * construction; past it the call throws an exception naming the count and the limit.
 */
package dev.tether.reactor.toolkit;
