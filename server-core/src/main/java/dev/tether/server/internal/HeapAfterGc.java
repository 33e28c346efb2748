package dev.tether.server.internal;

import dev.tether.reactor.Reactor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The heap a worker still uses after its last garbage collection: what a pool recycles on (heap in
 * use also counts garbage not collected yet, and would recycle healthy workers). The JVM's memory
 * pools are looked up once on the reactor's defer pool (the first look costs about 50 ms, which
 * the loop must not wait for); each heartbeat then sums their collection usage (about 0.3 ms).
 *
 * <p>Reactor thread only.
 */
final class HeapAfterGc {
  private List<MemoryPoolMXBean> heapPools; // null until looked up
  private boolean lookingUp;

  /** Bytes after the last collection, or -1 while not known (yet). */
  long bytes(Reactor reactor) {
    if (heapPools == null) {
      if (!lookingUp) {
        lookingUp = true;
        reactor.defer(() -> ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).toList(), pools -> heapPools = pools,
            error -> { // the next heartbeat looks again: never stuck at "not known" for good
              lookingUp = false;
              LoggerFactory.getLogger(HeapAfterGc.class).warn(
                  "looking up the heap's memory pools failed; retrying", error);
            });
      }
      return -1;
    }
    long used = 0;
    boolean collected = false;
    for (MemoryPoolMXBean pool : heapPools) {
      MemoryUsage afterGc = pool.getCollectionUsage();
      if (afterGc != null) {
        used += afterGc.getUsed();
        collected = true;
      }
    }
    return collected ? used : -1;
  }
}
