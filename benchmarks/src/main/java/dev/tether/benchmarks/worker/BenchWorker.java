package dev.tether.benchmarks.worker;

import dev.tether.server.AbstractServer;
import java.util.List;

/**
 * The Tether worker of the worker benchmark. {@code ["ping"]} is answered with {@code ["ping"]};
 * {@link #COUNT} (a name and a 23-byte argument: a 32-byte frame, as in {@code channel_rtt.c}) is
 * counted, with the characters of its argument; {@code ["sync"]} is answered with both sums so
 * far, which closes each pipelined window and lets the supervisor check that every message
 * arrived whole.
 */
public final class BenchWorker extends AbstractServer {
  /** The pipelined message: 2-byte header + "count" NUL + 23 bytes NUL = 32 bytes on the wire. */
  static final List<String> COUNT = List.of("count", "x".repeat(23));
  static final List<String> PING = List.of("ping");
  static final String SYNC = "sync";

  private long counted; // reactor thread only
  private long chars;

  /** Defines the three handlers; runs in the supervisor too, where it only registers them. */
  public BenchWorker() {
    defineMessageHandler("ping", args -> client().write(PING));
    defineMessageHandler(COUNT.get(0), args -> {
      counted++;
      chars += args.get(0).length();
    });
    defineMessageHandler(SYNC,
        args -> client().write(Long.toString(counted), Long.toString(chars)));
  }
}
