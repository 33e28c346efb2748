package dev.tether.benchmarks.worker;

import dev.tether.server.AbstractServer;
import java.util.List;

/**
 * The Tether worker of the worker benchmark. {@code ["ping"]} is answered with {@code ["ping"]};
 * {@link #FRAME32} (one 29-byte element: a 32-byte frame, as in {@code channel_rtt.c}) is only
 * counted; {@code ["sync"]} is answered with the count so far, which closes each pipelined window
 * and lets the supervisor check that every message arrived.
 */
public final class BenchWorker extends AbstractServer {
  /** The pipelined message: 2-byte header + 29 bytes + NUL = 32 bytes on the wire. */
  static final List<String> FRAME32 = List.of("x".repeat(29));
  static final List<String> PING = List.of("ping");
  static final String SYNC = "sync";

  private long counted; // reactor thread only

  /** Defines the three handlers; runs in the supervisor too, where it only registers them. */
  public BenchWorker() {
    defineMessageHandler("ping", args -> client().write(PING));
    defineMessageHandler(FRAME32.get(0), args -> counted++);
    defineMessageHandler(SYNC, args -> client().write(Long.toString(counted)));
  }
}
