/**
 * {@code scripts/bench worker}: a Tether worker JVM's spawn-to-first-reply against a bare JVM
 * and a C responder, and supervisor-worker messages against two C processes over a socket pair
 * ({@code benchmarks/WORKER.md}). Its JVMs run on a lean class path (this module's jar, Tether and
 * their dependencies, no Netty or JMH), the one an application's workers would have.
 */
package dev.tether.benchmarks.worker;
