package dev.tether.reactor.protocols;

import dev.tether.reactor.Connection;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.toolkit.Deferrable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Connects through a SOCKS4 proxy (EventMachine's {@code EM::Protocols::Socks4}), then hands the
 * tunnel to an ordinary {@link Connection}, which from then on talks to the target as if connected
 * to it. The target is sent as an IPv4 address (SOCKS4) when {@code targetHost} is an IPv4
 * literal, else as a name for the proxy to resolve (SOCKS4a). No user id is sent.
 *
 * <p>The handshake runs on a connection of its own. Once the proxy grants the request, that
 * connection is detached and its fd attached to {@code connection} ({@link Reactor#attach(int,
 * Connection, ByteBuffer)}), which therefore gets {@link Connection#postInit()} when the tunnel is
 * up, not {@link Connection#connectionCompleted()}; bytes of the target that came with the
 * proxy's reply are its first {@link Connection#receiveData}. The reactor owns the fd throughout.
 * Reactor thread only.
 */
public final class Socks4 extends Connection {
  private final byte[] request;
  private final Connection target;
  private final Deferrable<Connection> result;
  private final String what;
  private final byte[] reply = new byte[8];
  private int replyRead;
  private boolean handedOver;
  /** Why the proxy's reply was refused; null if it was not. */
  private Socks4Exception refusal;

  private Socks4(byte[] request, Connection target, Deferrable<Connection> result, String what) {
    this.request = request;
    this.target = target;
    this.result = result;
    this.what = what;
  }

  /**
   * Connects to the proxy at {@code proxyHost:proxyPort} and asks it for {@code
   * targetHost:targetPort}. The deferrable succeeds with {@code connection}, now attached to the
   * tunnel, or fails with a {@link Socks4Exception} (request refused, malformed reply) or the
   * failure of the connect to the proxy; {@code connection} is then left unbound.
   *
   * @throws IllegalArgumentException if a port is outside 0..65535 (1..65535 for the target) or
   *     {@code targetHost} is empty or longer than 255 bytes
   * @throws dev.tether.reactor.ReactorException off the reactor thread
   */
  public static <C extends Connection> Deferrable<C> connect(Reactor reactor, String proxyHost,
      int proxyPort, String targetHost, int targetPort, C connection) {
    reactor.checkInLoop("Socks4");
    if (targetPort < 1 || targetPort > 65535) {
      throw new IllegalArgumentException("targetPort : " + targetPort + " (expected: 1..65535)");
    }
    byte[] name = targetHost.getBytes(StandardCharsets.UTF_8);
    if (name.length == 0 || name.length > 255) {
      throw new IllegalArgumentException(
          "targetHost : \"" + targetHost + "\" (expected: 1..255 bytes)");
    }
    byte[] ipv4 = ipv4(targetHost);
    ByteBuffer request = ByteBuffer.allocate(9 + (ipv4 == null ? name.length + 1 : 0));
    request.put((byte) 4).put((byte) 1).putShort((short) targetPort);
    if (ipv4 != null) {
      request.put(ipv4).put((byte) 0);
    } else {
      request.put(new byte[] {0, 0, 0, 1}).put((byte) 0).put(name).put((byte) 0);
    }
    Deferrable<Connection> result = new Deferrable<>(reactor);
    reactor.connect(proxyHost, proxyPort, new Socks4(request.array(), connection, result,
        targetHost + ":" + targetPort + " via " + proxyHost + ":" + proxyPort));
    @SuppressWarnings("unchecked")
    Deferrable<C> typed = (Deferrable<C>) (Deferrable<?>) result;
    return typed;
  }

  private static byte[] ipv4(String host) {
    if (!host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
      return null;
    }
    String[] parts = host.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      int part = Integer.parseInt(parts[i]);
      if (part > 255) {
        return null;
      }
      bytes[i] = (byte) part;
    }
    return bytes;
  }

  @Override
  protected void connectionCompleted() {
    sendData(request);
  }

  @Override
  protected void receiveData(ByteBuffer data) {
    if (handedOver) {
      return;
    }
    int n = Math.min(data.remaining(), reply.length - replyRead);
    data.get(reply, replyRead, n);
    replyRead += n;
    if (replyRead < reply.length) {
      return;
    }
    if (reply[0] != 0) {
      refuse("malformed SOCKS4 reply: version byte " + (reply[0] & 0xff) + " (expected: 0)");
      return;
    }
    if (reply[1] != 90) {
      refuse("SOCKS4 proxy refused " + what + ": reply code " + (reply[1] & 0xff)
          + " (expected: 90, granted)");
      return;
    }
    ByteBuffer rest = ByteBuffer.allocate(data.remaining());
    rest.put(data).flip();
    handedOver = true;
    int fd = detach();
    try {
      reactor().attach(fd, target, rest); // owns fd from here, closing it if this fails
    } catch (RuntimeException e) {
      result.tryFail(e);
      return;
    }
    result.trySucceed(target);
  }

  /** Closes for a bad or refused reply, which the Deferrable fails with. */
  private void refuse(String why) {
    refusal = new Socks4Exception(why);
    closeConnection(why);
  }

  @Override
  protected void unbind() {
    if (!handedOver) {
      Throwable reason = refusal != null ? refusal : closeReason();
      result.tryFail(reason != null ? reason : new Socks4Exception(
          "SOCKS4 proxy closed the connection before granting " + what));
    }
  }
}
