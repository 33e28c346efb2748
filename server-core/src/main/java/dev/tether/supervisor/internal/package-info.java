/** The supervisor's implementation: the pool's loop, restart policy, channels and output tails. */
package dev.tether.supervisor.internal;
