package dev.tether.supervisor.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A worker's last lines of output, bounded, and the thread dump the pool asked for with SIGQUIT:
 * HotSpot prints it on the worker's stdout, from a {@code "Full thread dump"} line (after a line
 * with the time) to a {@code "JNI global refs"} line, then a heap summary (a blank line,
 * {@code "Heap"}, indented lines). Dump lines are kept apart from the tail, so a dump never pushes
 * the lines that told why the worker went wrong out of it; the heap summary is dropped (the dump
 * is complete, and the kill goes ahead, at its last line of threads).
 *
 * <p>Thread-safe: lines come on the worker's output threads, the pool reads on its own.
 */
public final class OutputTail {
  /** Longest line kept, in characters; longer ones are cut. */
  static final int MAX_LINE = 1000;
  /** Most lines a dump keeps. */
  static final int MAX_DUMP_LINES = 5000;
  private static final String DUMP_START = "Full thread dump";
  private static final String DUMP_END = "JNI global refs";

  private final int maxLines;
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private String previous; // the line before a dump's first: its time
  private boolean heapSummary; // a dump just ended: its heap summary lines follow
  private List<String> dump; // the dump being taken, or null
  private CompletableFuture<List<String>> dumped; // asked for, not complete yet; or null

  /** A tail of at most {@code maxLines} lines. */
  public OutputTail(int maxLines) {
    if (maxLines < 1) {
      throw new IllegalArgumentException("maxLines : " + maxLines + " (expected: >= 1)");
    }
    this.maxLines = maxLines;
  }

  /** Takes one line of output. */
  public synchronized void add(String line) {
    String kept = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line;
    if (heapSummary) {
      if (kept.isEmpty() || kept.equals("Heap") || kept.startsWith(" ")) {
        return;
      }
      heapSummary = false;
    }
    if (dump == null && dumped != null && kept.startsWith(DUMP_START)) {
      dump = new ArrayList<>();
      if (previous != null) {
        lines.pollLast(); // the dump's time, not the worker's own output
        dump.add(previous);
      }
    }
    if (dump != null) {
      if (dump.size() < MAX_DUMP_LINES) {
        dump.add(kept);
      }
      if (kept.startsWith(DUMP_END)) {
        dumped.complete(List.copyOf(dump));
        heapSummary = true;
        dump = null;
        dumped = null;
      }
      return;
    }
    previous = kept;
    lines.addLast(kept);
    if (lines.size() > maxLines) {
      lines.removeFirst();
    }
  }

  /**
   * Starts waiting for a thread dump; call before sending SIGQUIT. Completes with its lines once
   * it is whole; never completes if none comes (the caller bounds the wait).
   */
  public synchronized CompletableFuture<List<String>> expectDump() {
    if (dumped == null) {
      dumped = new CompletableFuture<>();
    }
    return dumped;
  }

  /** The lines kept, oldest first. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** The last line kept, or "" if none. */
  public synchronized String lastLine() {
    return lines.isEmpty() ? "" : lines.peekLast();
  }
}
