package dev.tether.reactor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns a host given as a literal IPv4 or IPv6 address and a port into an {@code
 * InetSocketAddress} without a name lookup, which would block the reactor thread. Names are
 * refused: resolving them is the caller's business (off the loop, e.g. with {@link
 * Reactor#defer}).
 */
final class LiteralAddress {
  /** Dotted quad, each part 0..255: the JDK would also take "127.1" or a bare number. */
  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 = Pattern.compile("(" + OCTET + "\\.){3}" + OCTET);
  /**
   * Hex groups with colons, an optional dotted tail and zone, optionally in brackets. The JDK
   * parses such a string as a literal (never a lookup) because it holds a colon and starts with
   * a hex digit, a colon or a bracket.
   */
  private static final Pattern IPV6 =
      Pattern.compile("\\[?[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(%[0-9A-Za-z_.-]+)?]?");

  private LiteralAddress() {}

  static InetSocketAddress of(String host, int port) {
    Objects.requireNonNull(host, "host");
    checkPort(port);
    InetAddress address = parse(host);
    if (address == null) {
      throw refused(host, null);
    }
    return new InetSocketAddress(address, port);
  }

  /**
   * {@code host} as an address if it is a literal one (parsed, never looked up), else null: a
   * name, to be resolved off the loop.
   *
   * @throws IllegalArgumentException if it has the form of a literal but is not a valid one
   */
  static InetAddress parse(String host) {
    if (!IPV4.matcher(host).matches() && !IPV6.matcher(host).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw refused(host, e);
    }
  }

  static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port : " + port + " (expected: 0..65535)");
    }
  }

  private static IllegalArgumentException refused(String host, Throwable cause) {
    return new IllegalArgumentException("host : " + host + " (expected: a literal IPv4 or IPv6"
        + " address such as 127.0.0.1 or ::1; names are not resolved on the reactor thread:"
        + " resolve them first, e.g. with Reactor.defer)", cause);
  }
}
