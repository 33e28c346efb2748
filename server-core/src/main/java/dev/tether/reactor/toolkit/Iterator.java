package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Asynchronous iteration with a concurrency limit (EventMachine's {@code EM::Iterator}): the body
 * runs for up to {@link #concurrency()} items at a time, and the next item is handed out only
 * after a running one signals that it is done ({@link Step#next()}, or {@link Ret#ret} in {@link
 * #map} and {@link #inject}). When every item is done, the after-all callback runs once.
 *
 * <p>Items are pulled from the {@code Iterable}'s iterator lazily, one as each is handed out, so
 * it may be unbounded (nothing is buffered ahead). The body of each item runs in its own task on
 * a later tick, never inside {@code each}, {@code next} or {@code ret}; a body that throws goes to
 * the reactor's {@link dev.tether.reactor.ErrorHandler} and, like one that never signals,
 * holds its slot for good (as in EventMachine).
 *
 * <p><b>Threading.</b> Reactor thread only, every method and every {@code Step}/{@code Ret} call
 * ({@link dev.tether.reactor.ReactorException} elsewhere); all callbacks run on the reactor thread.
 * An iterator runs once: a second {@code each}/{@code map}/{@code inject} throws
 * {@link IllegalStateException}.
 *
 * @param <T> the item type
 */
public final class Iterator<T> {
  /** Signals that the body is done with its item (EventMachine's {@code iter.next}). */
  public interface Step {
    /**
     * Lets the next item start. Reactor thread only.
     *
     * @throws IllegalStateException if called a second time for the same item
     */
    void next();
  }

  /** Signals that the body is done with its item, with a value (EventMachine's {@code return}). */
  public interface Ret<R> {
    /**
     * Records {@code value} for this item and lets the next one start. Reactor thread only.
     *
     * @throws IllegalStateException if called a second time for the same item
     */
    void ret(R value);
  }

  /** The body of {@link #inject}: folds {@code item} into {@code memo}, answering by ret. */
  @FunctionalInterface
  public interface Fold<M, T> {
    /** Starts folding {@code item} into {@code memo}; the new memo goes to {@code ret}. */
    void apply(M memo, T item, Ret<M> ret);
  }

  private final Reactor reactor;
  private final java.util.Iterator<? extends T> source;
  private int concurrency;
  private int active;
  private int handedOut;
  private boolean started;
  private boolean finished;
  private BiConsumer<? super T, Integer> body;
  private Runnable after;

  /**
   * @param items what to iterate over (its iterator is taken now and used on the loop thread)
   * @param concurrency how many items may be in progress at once (&gt; 0)
   * @throws IllegalArgumentException if {@code concurrency} is not positive
   */
  public Iterator(Reactor reactor, Iterable<? extends T> items, int concurrency) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.source = Objects.requireNonNull(items, "items").iterator();
    this.concurrency = Loop.positive("concurrency", concurrency);
  }

  /** How many items may be in progress at once. Reactor thread only. */
  public int concurrency() {
    reactor.checkInLoop("Iterator.concurrency");
    return concurrency;
  }

  /**
   * Changes the limit; a higher one hands out more items on the next tick, a lower one lets
   * running items finish and hands out new ones only below it. Reactor thread only.
   *
   * @throws IllegalArgumentException if {@code concurrency} is not positive
   */
  public void setConcurrency(int concurrency) {
    reactor.checkInLoop("Iterator.setConcurrency");
    this.concurrency = Loop.positive("concurrency", concurrency);
    if (started) {
      reactor.nextTick(this::fill);
    }
  }

  /** How many items are in progress (handed out, not yet done). Reactor thread only. */
  public int active() {
    reactor.checkInLoop("Iterator.active");
    return active;
  }

  /** Whether every item is done and the after-all callback has been run. Reactor thread only. */
  public boolean isFinished() {
    reactor.checkInLoop("Iterator.isFinished");
    return finished;
  }

  /** {@link #each(BiConsumer, Runnable)} without an after-all callback. */
  public void each(BiConsumer<? super T, ? super Step> foreach) {
    each(foreach, () -> { });
  }

  /**
   * Runs {@code foreach} for every item, then {@code after} once all have called {@link
   * Step#next()}. Starts on the next tick. Reactor thread only.
   *
   * @throws IllegalStateException if this iterator ran already
   */
  public void each(BiConsumer<? super T, ? super Step> foreach, Runnable after) {
    Objects.requireNonNull(foreach, "foreach");
    Objects.requireNonNull(after, "after");
    start((item, index) -> foreach.accept(item, onceOnly(index, () -> done())), after);
  }

  /**
   * Maps every item through {@code mapper}, which answers by {@link Ret#ret}; {@code after}
   * gets the results in the items' order (not the order of the answers). Reactor thread only.
   *
   * @throws IllegalStateException if this iterator ran already
   */
  public <R> void map(BiConsumer<? super T, ? super Ret<R>> mapper,
      Consumer<? super List<R>> after) {
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(after, "after");
    List<R> results = new ArrayList<>();
    start((item, index) -> {
      while (results.size() <= index) {
        results.add(null);
      }
      Step step = onceOnly(index, () -> done());
      Ret<R> ret = value -> {
        step.next(); // first: a second ret must fail before it overwrites the result
        results.set(index, value);
      };
      mapper.accept(item, ret);
    }, () -> after.accept(Collections.unmodifiableList(results)));
  }

  /**
   * Folds the items into {@code memo}: each body gets the memo as it is when the item starts and
   * answers the new one by {@link Ret#ret}; {@code after} gets the last memo. With a concurrency
   * above 1, items start before earlier ones answered and see an older memo, as in
   * EventMachine: use 1 for a strict left fold. Reactor thread only.
   *
   * @throws IllegalStateException if this iterator ran already
   */
  public <M> void inject(M memo, Fold<M, ? super T> fold, Consumer<? super M> after) {
    Objects.requireNonNull(fold, "fold");
    Objects.requireNonNull(after, "after");
    List<M> current = new ArrayList<>(1);
    current.add(memo);
    start((item, index) -> {
      Step step = onceOnly(index, () -> done());
      fold.apply(current.get(0), item, value -> {
        step.next();
        current.set(0, value);
      });
    }, () -> after.accept(current.get(0)));
  }

  private void start(BiConsumer<? super T, Integer> perItem, Runnable afterAll) {
    reactor.checkInLoop("Iterator.start");
    if (started) {
      throw new IllegalStateException("this Iterator ran already (expected: one each, map or"
          + " inject per Iterator)");
    }
    started = true;
    body = perItem;
    after = afterAll;
    reactor.nextTick(this::fill);
  }

  private Step onceOnly(int index, Runnable onDone) {
    boolean[] called = new boolean[1];
    return () -> {
      reactor.checkInLoop("Iterator next/ret");
      if (called[0]) {
        throw new IllegalStateException("item " + index + " signalled done twice (expected:"
            + " one next() or ret() per item)");
      }
      called[0] = true;
      onDone.run();
    };
  }

  private void done() {
    active--;
    reactor.nextTick(this::fill);
  }

  private void fill() {
    if (finished) {
      return;
    }
    while (active < concurrency && source.hasNext()) {
      T item = source.next();
      int index = handedOut++;
      active++;
      reactor.nextTick(() -> body.accept(item, index));
    }
    if (active == 0 && !source.hasNext()) {
      finished = true;
      after.run();
    }
  }
}
