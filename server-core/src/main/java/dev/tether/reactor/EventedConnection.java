package dev.tether.reactor;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A {@link Connection} served by listeners instead of overridden callbacks, in the style of an
 * EventEmitter: {@code on("data", ...)}, {@code on("close", ...)}. Make one with {@code new} and
 * pass it to {@link Reactor#connect(String, int, Connection)} or {@link Reactor#attach(int,
 * Connection)}, or get them from a server started with {@link Reactor#startServer(String, int)}
 * through {@link Server#onAccept}. Every method of {@link Connection} works as usual.
 *
 * <p>Events and what their listeners get:
 * <ul>
 *   <li>{@code "connect"} ({@link #onConnect}): this connection, when an outgoing connect
 *       completes;
 *   <li>{@code "data"} ({@link #onData}): the bytes read, as {@link Connection#receiveData} gets
 *       them (the reactor's buffer: valid only during the call). Each listener sees the buffer
 *       from the same position and limit: what one consumes is given back to the next;
 *   <li>{@code "drain"} ({@link #onDrain}): this connection, each time its outgoing queue empties;
 *   <li>{@code "end"} ({@link #onEnd}): this connection, when the peer ended its output (a FIN,
 *       {@link Connection#hungUp()}); then, as Node's sockets do by default, the connection closes
 *       once its queue is written;
 *   <li>{@code "error"} ({@link #onError}): the error, when a read or write failed (a reset,
 *       {@link Connection#errorOccurred}); {@code "close"} follows with it as the reason;
 *   <li>{@code "close"} ({@link #onClose}): the close reason, null for an orderly close, once the
 *       fd is closed (as {@link Connection#unbind()}).
 * </ul>
 * A connection may have several listeners per event; they run in the order they were added, each
 * on the reactor thread. One that throws is reported to the reactor's {@link ErrorHandler} (as the
 * listener's class and the event's callback name) and the others still run. Listeners added or
 * removed while an event is being delivered take effect from the next event. Before the
 * connection is bound any thread that owns the object may add listeners; afterwards, the reactor
 * thread only. Listeners cannot keep the buffer or block, as for any callback.
 */
public final class EventedConnection extends Connection {
  /** The event names, in the order of {@link #on}'s error message. */
  static final String[] EVENTS = {"connect", "data", "drain", "end", "error", "close"};
  private static final int CONNECT = 0;
  private static final int DATA = 1;
  private static final int DRAIN = 2;
  private static final int END = 3;
  private static final int ERROR = 4;
  private static final int CLOSE = 5;
  private static final int[] CALLBACK = {
    Callbacks.COMPLETED, Callbacks.RECEIVE, Callbacks.DRAINED, Callbacks.HUNG_UP,
    Callbacks.ERROR_OCCURRED, Callbacks.UNBIND
  };
  private static final Consumer<?>[] NONE = new Consumer<?>[0];

  /** Copy-on-write, so an event's delivery is never disturbed by listeners it adds or removes. */
  private final Consumer<?>[][] listeners = {NONE, NONE, NONE, NONE, NONE, NONE};
  private final EventedServer server;

  /** A connection with no listeners yet. */
  public EventedConnection() {
    this(null);
  }

  EventedConnection(EventedServer server) {
    this.server = server;
  }

  /**
   * Adds {@code listener} for {@code event}: "connect", "data", "drain", "end", "error" or
   * "close". The listener's
   * argument is typed by the event (see the class documentation); a listener declared for another
   * type fails with a {@code ClassCastException} when called, reported as any listener failure.
   * The typed methods ({@link #onData} etc.) check this at compile time.
   *
   * @return this connection, to chain calls
   * @throws IllegalArgumentException if {@code event} is not one of the six
   */
  public EventedConnection on(String event, Consumer<?> listener) {
    add(index(event), listener);
    return this;
  }

  /**
   * Removes the most recently added registration of {@code listener} for {@code event} (as
   * Node's {@code removeListener}); does nothing if it is not registered.
   *
   * @return this connection, to chain calls
   * @throws IllegalArgumentException if {@code event} is not one of the six
   */
  public EventedConnection off(String event, Consumer<?> listener) {
    int which = index(event);
    checkThread();
    Consumer<?>[] now = listeners[which];
    for (int i = now.length - 1; i >= 0; i--) {
      if (now[i] == listener) {
        Consumer<?>[] less = new Consumer<?>[now.length - 1];
        System.arraycopy(now, 0, less, 0, i);
        System.arraycopy(now, i + 1, less, i, now.length - i - 1);
        listeners[which] = less;
        break;
      }
    }
    return this;
  }

  /** Number of listeners registered for {@code event}. */
  public int listenerCount(String event) {
    int which = index(event);
    checkThread();
    return listeners[which].length;
  }

  /** {@code on("connect", listener)}. */
  public EventedConnection onConnect(Consumer<? super EventedConnection> listener) {
    add(CONNECT, listener);
    return this;
  }

  /** {@code on("data", listener)}. */
  public EventedConnection onData(Consumer<? super ByteBuffer> listener) {
    add(DATA, listener);
    return this;
  }

  /** {@code on("drain", listener)}. */
  public EventedConnection onDrain(Consumer<? super EventedConnection> listener) {
    add(DRAIN, listener);
    return this;
  }

  /** {@code on("end", listener)}: the peer ended its output; the connection closes after. */
  public EventedConnection onEnd(Consumer<? super EventedConnection> listener) {
    add(END, listener);
    return this;
  }

  /** {@code on("error", listener)}: a read or write failed; "close" follows. */
  public EventedConnection onError(Consumer<? super Throwable> listener) {
    add(ERROR, listener);
    return this;
  }

  /** {@code on("close", listener)}: the listener gets the close reason, null if orderly. */
  public EventedConnection onClose(Consumer<? super Throwable> listener) {
    add(CLOSE, listener);
    return this;
  }

  @Override
  protected void postInit() {
    if (server != null) {
      server.accepted(this);
    }
  }

  @Override
  protected void connectionCompleted() {
    emit(CONNECT, this, null);
  }

  @Override
  protected void receiveData(ByteBuffer data) {
    emit(DATA, data, data);
  }

  @Override
  protected void drained() {
    emit(DRAIN, this, null);
  }

  @Override
  protected void hungUp() {
    emit(END, this, null);
    super.hungUp();
  }

  @Override
  protected void errorOccurred(Throwable error) {
    emit(ERROR, error, null);
  }

  @Override
  protected void unbind() {
    emit(CLOSE, closeReason(), null);
  }

  private static int index(String event) {
    for (int i = 0; i < EVENTS.length; i++) {
      if (EVENTS[i].equals(event)) {
        return i;
      }
    }
    throw new IllegalArgumentException("event : " + event
        + " (expected: one of " + String.join(", ", EVENTS) + ")");
  }

  private void add(int which, Consumer<?> listener) {
    if (listener == null) {
      throw new NullPointerException("listener");
    }
    checkThread();
    Consumer<?>[] now = listeners[which];
    Consumer<?>[] more = java.util.Arrays.copyOf(now, now.length + 1);
    more[now.length] = listener;
    listeners[which] = more;
  }

  private void checkThread() {
    if (isBound()) {
      reactor().checkLoop();
    }
  }

  @SuppressWarnings("unchecked")
  private void emit(int which, Object argument, ByteBuffer data) {
    Consumer<?>[] now = listeners[which];
    int position = data == null ? 0 : data.position();
    int limit = data == null ? 0 : data.limit();
    for (Consumer<?> listener : now) {
      if (data != null) {
        data.limit(limit).position(position);
      }
      try {
        ((Consumer<Object>) listener).accept(argument);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable t) {
        reactor().callbacks().failed(t, listener, CALLBACK[which]);
      }
    }
  }
}
