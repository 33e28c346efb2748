package dev.tether.unix.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Encodes and decodes {@code struct sockaddr_in/in6/un} in a reusable direct buffer. Not
 * thread-safe: one instance per reactor, used on its thread.
 */
public final class SocketAddresses {
  private static final int STORAGE = 128;
  private final ByteBuffer buffer = Memory.allocate(STORAGE + 8);
  private final long address = Memory.address(buffer);

  /** Address of the sockaddr area. */
  public long address() {
    return address;
  }

  /** Address of a socklen_t slot after the sockaddr area, set to its capacity. */
  public long lengthSlot() {
    buffer.putInt(STORAGE, STORAGE);
    return address + STORAGE;
  }

  /** Encodes an IPv4/IPv6 address; returns its length. */
  public int encode(InetSocketAddress target) {
    InetAddress ip = target.getAddress();
    if (ip == null) {
      throw new IllegalArgumentException("address : " + target + " (expected: a resolved address)");
    }
    clear();
    int port = target.getPort();
    buffer.put(2, (byte) (port >>> 8)).put(3, (byte) port);
    if (ip instanceof Inet4Address) {
      buffer.putShort(0, (short) Linux.AF_INET);
      buffer.put(4, ip.getAddress());
      return 16;
    }
    buffer.putShort(0, (short) Linux.AF_INET6);
    buffer.put(8, ip.getAddress());
    buffer.putInt(24, ((Inet6Address) ip).getScopeId());
    return 28;
  }

  /** Encodes a Unix socket path; returns its length. */
  public int encode(Path path) {
    byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length >= Linux.UNIX_PATH_MAX) {
      throw new IllegalArgumentException("path length : " + bytes.length + " bytes (" + path
          + ") (expected: 1.." + (Linux.UNIX_PATH_MAX - 1) + ")");
    }
    clear();
    buffer.putShort(0, (short) Linux.AF_UNIX);
    buffer.put(2, bytes);
    return 2 + bytes.length + 1;
  }

  /**
   * Encodes a Unix socket name as {@code ss(8)} and systemd write it: a path, or '@' followed by a
   * name in the abstract namespace (the kernel's leading NUL). Returns its length.
   */
  public int encodeUnix(String name) {
    if (!name.startsWith("@")) {
      return encode(Path.of(name));
    }
    byte[] bytes = name.substring(1).getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length >= Linux.UNIX_PATH_MAX) {
      throw new IllegalArgumentException("abstract name length : " + bytes.length + " bytes ("
          + name + ") (expected: 1.." + (Linux.UNIX_PATH_MAX - 1) + ")");
    }
    clear();
    buffer.putShort(0, (short) Linux.AF_UNIX);
    buffer.put(3, bytes);
    return 3 + bytes.length;
  }

  /**
   * What a call wrote at {@link #address()} as text: {@code 127.0.0.1:80}, {@code [::1]:80}, a
   * Unix path, {@code @name} for an abstract Unix name, "" for an unnamed Unix socket, {@code
   * family N} for other families.
   */
  public String describe() {
    int length = buffer.getInt(STORAGE);
    int family = buffer.getShort(0);
    if (family == Linux.AF_UNIX && length > 2 && buffer.get(2) == 0) {
      byte[] name = new byte[length - 3];
      buffer.get(3, name);
      return "@" + new String(name, StandardCharsets.UTF_8);
    }
    SocketAddress decoded = decode();
    if (decoded instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) decoded;
      String host = inet.getAddress().getHostAddress();
      return (inet.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":"
          + inet.getPort();
    }
    if (decoded instanceof UnixDomainSocketAddress) {
      return ((UnixDomainSocketAddress) decoded).getPath().toString();
    }
    return "family " + family;
  }

  /** Decodes what a call wrote at {@link #address()} with its length in the length slot. */
  public SocketAddress decode() {
    int length = buffer.getInt(STORAGE);
    int family = buffer.getShort(0);
    int port = ((buffer.get(2) & 0xff) << 8) | (buffer.get(3) & 0xff);
    try {
      switch (family) {
        case Linux.AF_INET: {
          byte[] ip = new byte[4];
          buffer.get(4, ip);
          return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        }
        case Linux.AF_INET6: {
          byte[] ip = new byte[16];
          buffer.get(8, ip);
          return new InetSocketAddress(
              Inet6Address.getByAddress(null, ip, buffer.getInt(24)), port);
        }
        case Linux.AF_UNIX: {
          int n = 0;
          while (2 + n < length && buffer.get(2 + n) != 0) {
            n++;
          }
          byte[] path = new byte[n];
          buffer.get(2, path);
          return UnixDomainSocketAddress.of(new String(path, StandardCharsets.UTF_8));
        }
        default:
          return null;
      }
    } catch (UnknownHostException e) {
      throw new IllegalStateException("kernel returned a malformed address", e);
    }
  }

  /**
   * Sets the length slot to {@code length}: what a call that reports the length elsewhere (the
   * {@code msg_namelen} of a msghdr) wrote at {@link #address()}, so that {@link #decode()} and
   * {@link #describe()} read it.
   */
  void setLength(int length) {
    buffer.putInt(STORAGE, length);
  }

  /** Whether the first {@code length} bytes of the sockaddr area are those of {@code copy}. */
  boolean matches(byte[] copy, int length) {
    for (int i = 0; i < length; i++) {
      if (buffer.get(i) != copy[i]) {
        return false;
      }
    }
    return true;
  }

  /** Copies the first {@code length} bytes of the sockaddr area into {@code copy}. */
  void copyTo(byte[] copy, int length) {
    buffer.get(0, copy, 0, length);
  }

  private void clear() {
    for (int i = 0; i < STORAGE; i += 8) {
      buffer.putLong(i, 0L);
    }
  }
}
