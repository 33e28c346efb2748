package dev.tether.reactor;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The accept listeners of a server started by {@link Reactor#startServer(String, int)}: its
 * connection factory makes {@link EventedConnection}s that report here from their postInit, so
 * the listeners get each connection before any of its data. Reactor thread only.
 */
final class EventedServer {
  private static final Consumer<?>[] NONE = new Consumer<?>[0];
  private Consumer<?>[] listeners = NONE;

  EventedConnection newConnection() {
    return new EventedConnection(this);
  }

  void add(Consumer<? super EventedConnection> listener) {
    Consumer<?>[] more = Arrays.copyOf(listeners, listeners.length + 1);
    more[listeners.length] = listener;
    listeners = more;
  }

  void remove(Consumer<?> listener) {
    for (int i = listeners.length - 1; i >= 0; i--) {
      if (listeners[i] == listener) {
        Consumer<?>[] less = new Consumer<?>[listeners.length - 1];
        System.arraycopy(listeners, 0, less, 0, i);
        System.arraycopy(listeners, i + 1, less, i, listeners.length - i - 1);
        listeners = less;
        return;
      }
    }
  }

  int count() {
    return listeners.length;
  }

  @SuppressWarnings("unchecked")
  void accepted(EventedConnection connection) {
    for (Consumer<?> listener : listeners) {
      if (!connection.isOpen()) {
        return;
      }
      try {
        ((Consumer<EventedConnection>) listener).accept(connection);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable t) {
        connection.reactor().callbacks().failed(t, listener, Callbacks.POST_INIT);
      }
    }
  }
}
