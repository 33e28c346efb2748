/**
 * {@code tail -f} on a reactor: {@link dev.tether.examples.tail.Tail} prints the lines appended
 * to a file, told of each change by {@link dev.tether.reactor.Reactor#watchFile}.
 */
package dev.tether.examples.tail;
