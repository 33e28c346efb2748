package dev.tether.supervisor.internal;

import dev.tether.server.AbstractServer;
import dev.tether.supervisor.PoolListener;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A pool's settings, checked by {@code WorkerPool.Builder}. Immutable.
 *
 * @param server the prototype: its class is the workers', its command line theirs
 * @param size workers kept at start
 * @param minSize smallest size {@code resize} accepts
 * @param maxSize largest size {@code resize} accepts
 * @param bootConcurrency most workers booting at once
 * @param heartbeatInterval time between heartbeats
 * @param hangTimeout silence after which a ready worker is hung
 * @param bootTimeout longest time from spawn to ready
 * @param dumpTimeout longest wait for a thread dump before the kill
 * @param restartDelay first restart delay of a slot
 * @param maxRestartDelay longest restart delay
 * @param maxFailures failures allowed within {@code failurePeriod}
 * @param failurePeriod the intensity period
 * @param sameBootFailures the same boot failure this many times in a row ends the respawning
 * @param maxInFlight requests in flight per worker before it counts as full
 * @param queueLimit requests waiting for a worker before the pool rejects
 * @param requestTimeout default deadline of a request, or null for none
 * @param drainTimeout how long a stopping pool lets workers finish their requests
 * @param gracefulTimeout wait after closing a worker's channel before SIGTERM
 * @param termTimeout wait after SIGTERM before SIGKILL
 * @param outputLines lines of output kept per worker for its exit record
 * @param exitRecords exit records kept
 * @param recycleRequests requests after which a worker is recycled (plus jitter), 0: never
 * @param recycleConnections connections handed after which a worker is recycled, 0: never
 * @param recycleHeap heap bytes in use above which a worker is recycled, 0: never
 * @param maxRecycling most slots recycling at once
 * @param spares warm spares kept booted beside the pool's size
 * @param listen addresses the pool accepts connections on, handed to workers
 * @param inheritedListenFds listening sockets the pool takes over (systemd's), as fd numbers
 * @param systemd whether to notify systemd (when NOTIFY_SOCKET is set)
 * @param maxHandoffs connections handed to one worker and not acknowledged yet, at most
 * @param output where workers' output lines go (with their pid prefix)
 * @param listener the pool's events
 */
public record PoolConfig(AbstractServer server, int size, int minSize, int maxSize,
    int bootConcurrency, Duration heartbeatInterval, Duration hangTimeout, Duration bootTimeout,
    Duration dumpTimeout, Duration restartDelay, Duration maxRestartDelay, int maxFailures,
    Duration failurePeriod, int sameBootFailures, int maxInFlight, int queueLimit,
    Duration requestTimeout, Duration drainTimeout, Duration gracefulTimeout,
    Duration termTimeout, int outputLines, int exitRecords, long recycleRequests,
    long recycleConnections, long recycleHeap, int maxRecycling, int spares,
    List<SocketAddress> listen, List<Integer> inheritedListenFds, boolean systemd,
    int maxHandoffs, Consumer<String> output,
    PoolListener listener) {

  /** The workers' server class name. */
  public String serverClass() {
    return server.getClass().getName();
  }
}
