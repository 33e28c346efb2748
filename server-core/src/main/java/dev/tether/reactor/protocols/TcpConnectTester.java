package dev.tether.reactor.protocols;

import dev.tether.reactor.Connection;
import dev.tether.reactor.ConnectionClosedException;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.toolkit.Deferrable;
import java.time.Duration;

/**
 * Tests whether a TCP port accepts connections (EventMachine's {@code
 * EM::Protocols::TcpConnectTester}): {@link #test} connects, and closes again as soon as the
 * connect completes. Reactor thread only; the reactor owns the socket and closes it.
 */
public final class TcpConnectTester extends Connection {
  private final Deferrable<Duration> result;
  private final long started = System.nanoTime();
  private boolean completed;

  private TcpConnectTester(Deferrable<Duration> result) {
    this.result = result;
  }

  /**
   * Connects to {@code host:port} (a name is resolved off the loop, as {@link Reactor#connect}
   * does) within the reactor's pending-connect timeout. The deferrable succeeds with the time
   * from this call to the completed connect, or fails with the connect's failure (the {@link
   * #closeReason()}: a {@code NativeCallException} for ECONNREFUSED, an {@code
   * UnknownHostException}, a {@code ConnectionTimeoutException}).
   *
   * @throws IllegalArgumentException if {@code port} is outside 0..65535
   * @throws dev.tether.reactor.ReactorException off the reactor thread
   */
  public static Deferrable<Duration> test(Reactor reactor, String host, int port) {
    reactor.checkInLoop("TcpConnectTester");
    Deferrable<Duration> result = new Deferrable<>(reactor);
    reactor.connect(host, port, new TcpConnectTester(result));
    return result;
  }

  @Override
  protected void connectionCompleted() {
    completed = true;
    result.trySucceed(Duration.ofNanos(System.nanoTime() - started));
    closeConnection();
  }

  @Override
  protected void unbind() {
    if (!completed) {
      Throwable reason = closeReason();
      result.tryFail(reason != null ? reason
          : new ConnectionClosedException("connect closed before it completed"));
    }
  }
}
