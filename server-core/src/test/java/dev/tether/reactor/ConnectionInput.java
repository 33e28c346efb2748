package dev.tether.reactor;

import java.nio.ByteBuffer;

/** Lets a test outside this package hand bytes to a connection as one of the reactor's reads. */
public final class ConnectionInput {
  private ConnectionInput() {}

  /** Calls {@code connection.receiveData(data)}; call it on the reactor thread, as it does. */
  public static void receiveData(Connection connection, ByteBuffer data) {
    connection.receiveData(data);
  }
}
