/** Passenger's AbstractServer example in Java: a supervisor says hello to a worker JVM. */
package dev.tether.examples.hello;
