package dev.tether.reactor.toolkit;

import dev.tether.reactor.Reactor;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * An Erlang-style lightweight process on a reactor (EventMachine's {@code EM.spawn} and {@code
 * EM::SpawnedProcess}): no thread of its own, just a receiver run on the loop thread with each
 * message {@link #notify(Object) sent} to it, one at a time, in the order each sender sent them.
 *
 * <p>{@link #receive} replaces the receiver for the messages that follow (Erlang's next {@code
 * receive}; EventMachine's {@code set_receiver}): a process changes state by changing what it
 * does with its next message. Java has no blocking {@code receive} on a loop thread, so this is
 * the receive-style API. {@link #die} ends the process: messages queued and sent later are
 * dropped, as Erlang drops messages sent to a dead process.
 *
 * <p><b>Threading.</b> {@link #notify(Object)}, {@link #isAlive} and {@link #die} are safe from
 * any thread; {@link #receive} runs on the reactor thread only ({@link
 * dev.tether.reactor.ReactorException} elsewhere). The receiver always runs on the reactor thread,
 * each message in its own task on a later tick (never inside {@code notify}); an exception it
 * throws goes to the reactor's {@link dev.tether.reactor.ErrorHandler} and the process lives on.
 *
 * <p><b>Bound.</b> At most {@code maxMailbox} messages sent and not yet received; a notify past
 * it throws {@link BacklogFullException}.
 *
 * @param <T> the message type
 */
public final class Spawned<T> {
  /** The default mailbox limit of {@link #spawn(Reactor, Consumer)}. */
  public static final int DEFAULT_MAX_MAILBOX = 65_536;

  private final Reactor reactor;
  private final int maxMailbox;
  private final AtomicInteger mailbox = new AtomicInteger();
  private volatile boolean alive = true;
  private BiConsumer<? super Spawned<T>, ? super T> receiver;

  private Spawned(Reactor reactor, int maxMailbox, BiConsumer<? super Spawned<T>, ? super T> r) {
    this.reactor = Objects.requireNonNull(reactor, "reactor");
    this.maxMailbox = Loop.positive("maxMailbox", maxMailbox);
    this.receiver = Objects.requireNonNull(r, "receiver");
  }

  /** Spawns a process whose receiver is {@code body}, with a mailbox of the default limit. */
  public static <T> Spawned<T> spawn(Reactor reactor, Consumer<? super T> body) {
    Objects.requireNonNull(body, "body");
    return new Spawned<>(reactor, DEFAULT_MAX_MAILBOX, (self, message) -> body.accept(message));
  }

  /**
   * Spawns a process whose receiver gets itself (Erlang's {@code self()}) with each message, to
   * {@link #receive} a new receiver, notify itself or {@link #die}. Any thread.
   *
   * @param maxMailbox how many messages may wait (&gt; 0)
   * @throws IllegalArgumentException if {@code maxMailbox} is not positive
   */
  public static <T> Spawned<T> spawn(Reactor reactor, int maxMailbox,
      BiConsumer<? super Spawned<T>, ? super T> body) {
    return new Spawned<>(reactor, maxMailbox, body);
  }

  /**
   * Sends {@code message}: the current receiver gets it on a later tick. Any thread.
   *
   * @return false if the process is dead (the message is dropped)
   * @throws BacklogFullException if {@code maxMailbox} messages wait already
   */
  public boolean notify(T message) {
    Objects.requireNonNull(message, "message");
    if (!alive) {
      return false;
    }
    int held = mailbox.getAndIncrement();
    if (held >= maxMailbox) {
      mailbox.decrementAndGet();
      throw new BacklogFullException("spawned process mailbox", held, 1, maxMailbox);
    }
    reactor.nextTick(() -> {
      mailbox.decrementAndGet();
      if (alive) {
        receiver.accept(this, message);
      }
    });
    return true;
  }

  /** Replaces the receiver for every message not yet received. Reactor thread only. */
  public void receive(BiConsumer<? super Spawned<T>, ? super T> next) {
    reactor.checkInLoop("Spawned.receive");
    receiver = Objects.requireNonNull(next, "next");
  }

  /** Ends the process: no message is received after this call. Any thread. Idempotent. */
  public void die() {
    alive = false;
  }

  /** Whether {@link #die} has not been called. Any thread. */
  public boolean isAlive() {
    return alive;
  }

  /** Messages sent and not yet received (or dropped). Any thread. */
  public int mailboxSize() {
    return mailbox.get();
  }
}
