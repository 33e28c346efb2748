package dev.tether.reactor;

import java.net.SocketOption;

/**
 * Socket options of Tether's own, for {@link Connection#setSocketOption} and {@link
 * Connection#getSocketOption}, beside those of {@link java.net.StandardSocketOptions}.
 */
public final class TetherSocketOptions {
  /**
   * Linux {@code TCP_CORK} (TCP sockets): while on, the kernel sends only full segments and holds
   * a partial one back (up to 200 ms); turning it off sends what is held at once. Cork, write a
   * response in several pieces, uncork: the peer gets full segments instead of one per write.
   */
  public static final SocketOption<Boolean> TCP_CORK = new Named<>("TCP_CORK", Boolean.class);

  private TetherSocketOptions() {}

  private static final class Named<T> implements SocketOption<T> {
    private final String name;
    private final Class<T> type;

    Named(String name, Class<T> type) {
      this.name = name;
      this.type = type;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Class<T> type() {
      return type;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
