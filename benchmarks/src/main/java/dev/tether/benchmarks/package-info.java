/**
 * Benchmarks for Tether. They print numbers and are never run by the build: run them with
 * {@code scripts/bench}. Every benchmark runs its baseline in the same invocation and reports the
 * ratio, because the machine is shared and noisy.
 */
package dev.tether.benchmarks;
