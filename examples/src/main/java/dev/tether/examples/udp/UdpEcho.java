package dev.tether.examples.udp;

import dev.tether.examples.support.ReactorMain;
import dev.tether.reactor.DatagramConnection;
import dev.tether.reactor.Reactor;
import java.nio.ByteBuffer;

/**
 * {@code UdpEcho PORT}: a UDP socket on 127.0.0.1:PORT, served by one reactor thread (the main
 * thread), that sends each datagram back to its sender unchanged, empty ones included, until
 * SIGTERM or SIGINT; then it stops the reactor, which closes the socket, and exits. PORT 0 picks
 * a free port; the address is printed as {@code udp echo listening on 127.0.0.1:PORT}. A bad
 * argument exits with status 2 and a usage line.
 */
public final class UdpEcho {
  /** The echo itself: one datagram in, the same datagram out, to whoever sent it. */
  static final class Echo extends DatagramConnection {
    @Override
    protected void receiveData(ByteBuffer data) {
      // Inside receiveData, sendData replies to this datagram's sender.
      sendData(data);
    }
  }

  private UdpEcho() {}

  public static void main(String[] args) {
    int port = ReactorMain.onlyArgumentPort("UdpEcho", args);
    Reactor reactor = new Reactor("udp-echo");
    ReactorMain.runUntilSignalled(reactor, () -> {
      Echo echo = reactor.openDatagramSocket("127.0.0.1", port, new Echo());
      int actual = ((java.net.InetSocketAddress) echo.localAddress()).getPort();
      System.out.println("udp echo listening on 127.0.0.1:" + actual);
      System.out.flush();
    });
  }
}
