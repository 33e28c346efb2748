/**
 * EventMachine's toolkit objects on Tether's reactor: {@link
 * dev.tether.reactor.toolkit.Deferrable}, {@code Completion}, {@code Pool}, {@code
 * ThreadedResource}, {@code FileStreamer} and {@code DeferrableChildProcess}.
 *
 * <h2>Threading contract</h2>
 * As in {@code dev.tether.reactor}: every object is bound to one reactor; its methods check that
 * they run on that reactor's thread and throw {@link dev.tether.reactor.ReactorException}
 * otherwise, unless their javadoc says "any thread". Every callback runs on the reactor thread;
 * an exception from one goes to the reactor's {@link dev.tether.reactor.ErrorHandler} (or its
 * log) and the others still run. Nothing here blocks the loop.
 */
package dev.tether.reactor.toolkit;
