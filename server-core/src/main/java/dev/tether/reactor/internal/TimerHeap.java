package dev.tether.reactor.internal;

import java.util.Arrays;

/**
 * A binary min-heap of timers ordered by due time, then by insertion order, with O(log n) insert,
 * removal of the earliest and removal of any entry (each entry knows its index). Not thread-safe:
 * the reactor thread alone uses it.
 */
public final class TimerHeap {
  /** A heap entry: subclass to carry the callback. */
  public abstract static class Entry {
    private long due;
    private long sequence;
    private int index = -1;

    /** The {@code System.nanoTime()} at or after which the entry is due. */
    public final long due() {
      return due;
    }

    /** Whether the entry is in a heap. */
    public final boolean isScheduled() {
      return index >= 0;
    }
  }

  private Entry[] heap = new Entry[16];
  private int size;
  private long nextSequence;

  /** Number of entries. */
  public int size() {
    return size;
  }

  /** Adds {@code entry}, due at {@code due} (nanoTime); it must not be in a heap. */
  public void add(Entry entry, long due) {
    if (entry.index >= 0) {
      throw new IllegalStateException("timer is already scheduled");
    }
    entry.due = due;
    entry.sequence = nextSequence++;
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = entry;
    entry.index = size;
    size++;
    siftUp(entry.index);
  }

  /** The earliest entry, or null. */
  public Entry peek() {
    return size == 0 ? null : heap[0];
  }

  /** Removes {@code entry} if it is in this heap; returns whether it was. */
  public boolean remove(Entry entry) {
    int i = entry.index;
    if (i < 0 || i >= size || heap[i] != entry) {
      return false;
    }
    size--;
    Entry last = heap[size];
    heap[size] = null;
    entry.index = -1;
    if (i != size) {
      heap[i] = last;
      last.index = i;
      siftDown(i);
      siftUp(last.index);
    }
    return true;
  }

  /** Removes every entry. */
  public void clear() {
    for (int i = 0; i < size; i++) {
      heap[i].index = -1;
      heap[i] = null;
    }
    size = 0;
  }

  private static boolean before(Entry a, Entry b) {
    long d = a.due - b.due;
    return d < 0 || (d == 0 && a.sequence < b.sequence);
  }

  private void siftUp(int i) {
    Entry e = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Entry p = heap[parent];
      if (!before(e, p)) {
        break;
      }
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = e;
    e.index = i;
  }

  private void siftDown(int i) {
    Entry e = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) {
        child = right;
      }
      if (!before(heap[child], e)) {
        break;
      }
      heap[i] = heap[child];
      heap[i].index = i;
      i = child;
    }
    heap[i] = e;
    e.index = i;
  }
}
