package dev.tether.supervisor;

import java.time.Duration;

/**
 * One live worker as its pool sees it, from the pool's own counts and the worker's last
 * heartbeat answer. Immutable snapshot.
 *
 * @param slot the pool slot it holds
 * @param pid its process id
 * @param state {@code booting}, {@code ready}, {@code draining} or {@code stopping}
 * @param uptime time since it was spawned
 * @param requestsServed requests it answered
 * @param inFlight requests sent to it and not answered yet
 * @param connections connections its reactor serves (last heartbeat)
 * @param connectionsHanded connections the pool handed to it over its life
 * @param handoffs connections handed to it that it has not acknowledged yet
 * @param heapUsed bytes of heap in use (last heartbeat)
 * @param loopLag worst lateness of its event loop between its last two heartbeats
 * @param restarts how many workers of this slot were replaced before it
 */
public record WorkerStatus(int slot, int pid, String state, Duration uptime, long requestsServed,
    int inFlight, int connections, long connectionsHanded, int handoffs, long heapUsed,
    Duration loopLag, int restarts) {}
