package dev.tether.benchmarks.channel;

import dev.tether.channel.MessageChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures Tether's {@link MessageChannel} the way {@code channel_rtt.c} measures a bare
 * socketpair: both ends from {@link MessageChannel#pair()} in this JVM, the measuring thread on
 * the first, a peer thread on the second. Results use the C program's names and fields, so the
 * table can put them side by side. Every run is bounded by its duration; the peer thread ends on
 * end of stream when the first channel closes, and is joined with a deadline.
 */
final class MessageChannelRuns {
  private static final List<String> PING = List.of("ping");
  /** One 29-byte element: 2 header + 29 + NUL = a 32-byte frame, as in the C run. */
  private static final List<String> FRAME32 = List.of("x".repeat(29));
  private static final long JOIN_DEADLINE_MS = 30_000;

  private MessageChannelRuns() {}

  /** Round trip of ["ping"], one at a time, after a warm-up of a fifth of the duration. */
  static Map<String, String> roundTrip(long durationMs) throws InterruptedException {
    LatencyHistogram hist = new LatencyHistogram();
    try (MessageChannel.Pair pair = MessageChannel.pair()) {
      Peer peer = new Peer("channel-echo", () -> {
        List<String> m;
        while ((m = pair.second().read()) != null) {
          pair.second().write(m);
        }
      });
      long start = System.nanoTime();
      long warmEnd = start + TimeUnit.MILLISECONDS.toNanos(durationMs) / 5;
      long end = warmEnd + TimeUnit.MILLISECONDS.toNanos(durationMs);
      long t = start;
      while (t < end) {
        long sent = t;
        pair.first().write(PING);
        List<String> back = pair.first().read();
        t = System.nanoTime();
        if (!PING.equals(back)) {
          throw new IllegalStateException("echo differs from ping: " + back);
        }
        if (sent >= warmEnd) {
          hist.record(t - sent);
        }
      }
      pair.first().close();
      peer.join();
    }
    Map<String, String> r = new LinkedHashMap<>();
    r.put("ops", Long.toString(hist.count()));
    r.put("ops_per_s", String.format("%.0f", hist.count() / (durationMs / 1000.0)));
    r.put("p50_us", String.format("%.2f", hist.percentileMicros(0.50)));
    r.put("p99_us", String.format("%.2f", hist.percentileMicros(0.99)));
    r.put("p999_us", String.format("%.2f", hist.percentileMicros(0.999)));
    return r;
  }

  /**
   * 32-byte messages one way, one {@code write} call each (MessageChannel has no batched write),
   * counted by the peer as it reads them; a warm-up run of a fifth of the duration comes first.
   */
  static Map<String, String> pipelined(long durationMs) throws InterruptedException {
    pipelinedOnce(Math.max(1, durationMs / 5));
    return pipelinedOnce(durationMs);
  }

  private static Map<String, String> pipelinedOnce(long durationMs) throws InterruptedException {
    AtomicLong received = new AtomicLong();
    long sent = 0;
    long start;
    long elapsed;
    try (MessageChannel.Pair pair = MessageChannel.pair()) {
      Peer peer = new Peer("channel-count", () -> {
        long n = 0;
        List<String> m;
        while ((m = pair.second().read()) != null) {
          if (m.size() != 1) {
            throw new IllegalStateException("expected one element, got " + m.size());
          }
          n++;
        }
        received.set(n);
      });
      start = System.nanoTime();
      long end = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
      while (System.nanoTime() < end) {
        for (int i = 0; i < 64; i++) { // check the clock every 64 writes, as C checks per batch
          pair.first().write(FRAME32);
        }
        sent += 64;
      }
      pair.first().close();
      peer.join();
      elapsed = System.nanoTime() - start;
    }
    if (received.get() != sent) {
      throw new IllegalStateException("sent " + sent + " messages, peer read " + received.get());
    }
    double secs = elapsed / 1e9;
    Map<String, String> r = new LinkedHashMap<>();
    r.put("msgs", Long.toString(sent));
    r.put("secs", String.format("%.3f", secs));
    r.put("msgs_per_s", String.format("%.0f", sent / secs));
    return r;
  }

  private interface Body {
    void run() throws Exception;
  }

  /** The thread on the second channel; remembers how it failed, for {@link #join()}. */
  private static final class Peer {
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    Peer(String name, Body body) {
      thread = new Thread(() -> {
        try {
          body.run();
        } catch (Throwable e) {
          failure.set(e);
        }
      }, name);
      thread.setDaemon(true);
      thread.start();
    }

    void join() throws InterruptedException {
      thread.join(JOIN_DEADLINE_MS);
      if (thread.isAlive()) {
        throw new IllegalStateException(thread.getName() + " still running " + JOIN_DEADLINE_MS
            + " ms after its channel closed");
      }
      if (failure.get() != null) {
        throw new IllegalStateException(thread.getName() + " failed: " + failure.get(),
            failure.get());
      }
    }
  }
}
