/**
 * The channel benchmark: Tether's blocking {@code MessageChannel} against the C socketpair
 * baseline {@code src/main/c/channel_rtt.c}, run by {@code scripts/bench channel}.
 */
package dev.tether.benchmarks.channel;
