package dev.tether.reactor.protocols;

import dev.tether.reactor.Connection;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.toolkit.Deferrable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A memcached client speaking the text protocol (EventMachine's {@code
 * EM::Protocols::Memcache}): {@link #get(String)}, {@link #get(String...)}, {@link #set} and
 * {@link #delete}, each returning a {@link Deferrable}. Requests are pipelined: each is written
 * at once (queued while the connect is under way) and the replies, which memcached sends in
 * order, are matched to them in order.
 *
 * <p><b>Limits.</b> Keys are 1..250 bytes of UTF-8 without spaces or control characters
 * (memcached's rule); values are at most {@link #setMaxValueBytes} bytes (1 MiB by default,
 * memcached's default item size), both checked before anything is sent ({@link
 * IllegalArgumentException} naming the key or size). A reply announcing a larger value, or a
 * malformed reply, fails every outstanding request with a {@link MemcacheException} and closes
 * the connection: the stream can no longer be trusted. An {@code ERROR}, {@code CLIENT_ERROR} or
 * {@code SERVER_ERROR} reply fails only its request.
 *
 * <p><b>Threading and ownership</b> as {@link Connection}: reactor thread only, callbacks on it;
 * the reactor owns the fd. When the connection closes, requests without a reply fail with a
 * {@link MemcacheException} whose cause is the {@link #closeReason()}.
 */
public final class Memcache extends Connection {
  private static final int MAX_LINE = 2048;

  private enum Kind { GET, STORE, DELETE }

  private record Pending(Kind kind, Deferrable<Object> result, Map<String, byte[]> values) {}

  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final byte[] line = new byte[MAX_LINE];
  private int lineLength;
  private byte[] value; // the data block being read, with its CRLF
  private int valueRead;
  private String valueKey;
  private int maxValueBytes = 1024 * 1024;
  private int maxPendingRequests = 10_000;

  private Memcache() {}

  /**
   * Connects to memcached at {@code host:port}; requests may be made at once. Reactor thread
   * only.
   */
  public static Memcache connect(Reactor reactor, String host, int port) {
    return reactor.connect(host, port, new Memcache());
  }

  /** Sets the largest value sent or accepted, in bytes (1..{@code Integer.MAX_VALUE - 2}). */
  public void setMaxValueBytes(int max) {
    reactor().checkInLoop("Memcache");
    if (max < 1 || max > Integer.MAX_VALUE - 2) {
      throw new IllegalArgumentException(
          "maxValueBytes : " + max + " (expected: 1.." + (Integer.MAX_VALUE - 2) + ")");
    }
    maxValueBytes = max;
  }

  /**
   * Sets how many requests may wait for their replies at once (default 10,000): past it a request
   * fails at once with a {@link dev.tether.reactor.toolkit.BacklogFullException}, so a server
   * that stops answering cannot make this connection hold requests without end.
   */
  public void setMaxPendingRequests(int max) {
    reactor().checkInLoop("Memcache");
    maxPendingRequests = Checks.positive("maxPendingRequests", max);
  }

  /** Succeeds with the value of {@code key}, or with null if memcached has none. */
  public Deferrable<byte[]> get(String key) {
    Deferrable<Map<String, byte[]>> values = get(new String[] {key});
    Deferrable<byte[]> result = new Deferrable<>(reactor());
    values.callback(found -> result.trySucceed(found.get(key)));
    values.errback(result::tryFail);
    return result;
  }

  /**
   * Succeeds with the values memcached has of {@code keys} (one {@code get} request), keyed by
   * key in the order they came; keys it has not are absent.
   */
  @SuppressWarnings("unchecked")
  public Deferrable<Map<String, byte[]>> get(String... keys) {
    if (keys.length == 0) {
      throw new IllegalArgumentException("keys : 0 (expected: at least one key)");
    }
    StringBuilder command = new StringBuilder("get");
    for (String key : keys) {
      command.append(' ').append(checkKey(key));
    }
    command.append("\r\n");
    Deferrable<Object> result = new Deferrable<>(reactor());
    send(new Pending(Kind.GET, result, new LinkedHashMap<>()), command.toString(), null);
    return (Deferrable<Map<String, byte[]>>) (Deferrable<?>) result;
  }

  /**
   * Stores {@code value} under {@code key} with flags 0 for {@code expirySeconds} (0: no expiry;
   * up to 30 days a relative time, past that a Unix time, as memcached reads it). Succeeds with
   * true on {@code STORED}, false on {@code NOT_STORED}.
   */
  @SuppressWarnings("unchecked")
  public Deferrable<Boolean> set(String key, byte[] value, int expirySeconds) {
    checkKey(key);
    if (value.length > maxValueBytes) {
      throw new IllegalArgumentException("value for " + key + " : " + value.length
          + " bytes (expected: <= " + maxValueBytes + ")");
    }
    Checks.atLeast("expirySeconds", expirySeconds, 0);
    Deferrable<Object> result = new Deferrable<>(reactor());
    send(new Pending(Kind.STORE, result, null),
        "set " + key + " 0 " + expirySeconds + " " + value.length + "\r\n", value);
    return (Deferrable<Boolean>) (Deferrable<?>) result;
  }

  /** Deletes {@code key}: succeeds with true on {@code DELETED}, false on {@code NOT_FOUND}. */
  @SuppressWarnings("unchecked")
  public Deferrable<Boolean> delete(String key) {
    Deferrable<Object> result = new Deferrable<>(reactor());
    send(new Pending(Kind.DELETE, result, null), "delete " + checkKey(key) + "\r\n", null);
    return (Deferrable<Boolean>) (Deferrable<?>) result;
  }

  /** How many requests wait for their reply. */
  public int pendingRequests() {
    reactor().checkInLoop("Memcache");
    return pending.size();
  }

  private static String checkKey(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length > 250) {
      throw new IllegalArgumentException(
          "key : \"" + key + "\" is " + bytes.length + " bytes (expected: 1..250)");
    }
    for (byte b : bytes) {
      if ((b & 0xff) <= ' ' || b == 0x7f) {
        throw new IllegalArgumentException("key : \"" + key
            + "\" (expected: no spaces or control characters)");
      }
    }
    return key;
  }

  private void send(Pending request, String command, byte[] data) {
    reactor().checkInLoop("Memcache");
    if (!isOpen()) {
      request.result().tryFail(new MemcacheException("connection closed", closeReason()));
      return;
    }
    if (pending.size() >= maxPendingRequests) {
      request.result().tryFail(new dev.tether.reactor.toolkit.BacklogFullException(
          "memcache pending requests", pending.size(), 1, maxPendingRequests));
      return;
    }
    pending.add(request);
    sendData(command.getBytes(StandardCharsets.UTF_8));
    if (data != null) {
      sendData(data);
      sendData(new byte[] {'\r', '\n'});
    }
  }

  @Override
  protected void receiveData(ByteBuffer data) {
    try {
      while (data.hasRemaining() && isOpen()) {
        if (value != null) {
          int n = Math.min(data.remaining(), value.length - valueRead);
          data.get(value, valueRead, n);
          valueRead += n;
          if (valueRead == value.length) {
            valueDone();
          }
        } else if (readLine(data)) {
          String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
          lineLength = 0;
          reply(text);
        }
      }
    } catch (MemcacheException e) {
      failAll(e);
      closeConnection(e.getMessage());
    }
  }

  private boolean readLine(ByteBuffer data) {
    while (data.hasRemaining()) {
      byte b = data.get();
      if (b == '\n' && lineLength > 0 && line[lineLength - 1] == '\r') {
        lineLength--;
        return true;
      }
      if (lineLength == MAX_LINE) {
        throw new MemcacheException("reply line exceeds " + MAX_LINE + " bytes");
      }
      line[lineLength++] = b;
    }
    return false;
  }

  private void reply(String text) {
    Pending head = pending.peek();
    if (head == null) {
      throw new MemcacheException("reply with no request outstanding: \"" + text + "\"");
    }
    if (text.equals("ERROR") || text.startsWith("CLIENT_ERROR")
        || text.startsWith("SERVER_ERROR")) {
      pending.poll().result().tryFail(new MemcacheException("memcached answered \"" + text + "\""));
      return;
    }
    switch (head.kind()) {
      case GET:
        if (text.equals("END")) {
          pending.poll().result().trySucceed(head.values());
        } else if (text.startsWith("VALUE ")) {
          startValue(text);
        } else {
          throw new MemcacheException("unexpected reply to get: \"" + text + "\"");
        }
        break;
      case STORE:
        if (!text.equals("STORED") && !text.equals("NOT_STORED")) {
          throw new MemcacheException("unexpected reply to set: \"" + text + "\"");
        }
        pending.poll().result().trySucceed(text.equals("STORED"));
        break;
      case DELETE:
        if (!text.equals("DELETED") && !text.equals("NOT_FOUND")) {
          throw new MemcacheException("unexpected reply to delete: \"" + text + "\"");
        }
        pending.poll().result().trySucceed(text.equals("DELETED"));
        break;
      default:
        throw new AssertionError(head.kind());
    }
  }

  private void startValue(String text) {
    String[] parts = text.split(" ");
    if (parts.length < 4 || parts.length > 5 || !parts[3].matches("[0-9]{1,10}")) {
      throw new MemcacheException("malformed VALUE line: \"" + text + "\"");
    }
    long size = Long.parseLong(parts[3]);
    if (size > maxValueBytes) {
      throw new MemcacheException("value of " + parts[1] + " : " + size
          + " bytes (expected: <= " + maxValueBytes + ")");
    }
    valueKey = parts[1];
    value = new byte[(int) size + 2];
    valueRead = 0;
  }

  private void valueDone() {
    if (value[value.length - 2] != '\r' || value[value.length - 1] != '\n') {
      throw new MemcacheException("data block of " + valueKey + " not followed by CRLF");
    }
    byte[] bytes = java.util.Arrays.copyOf(value, value.length - 2);
    pending.peek().values().put(valueKey, bytes);
    value = null;
    valueKey = null;
  }

  private void failAll(MemcacheException error) {
    while (!pending.isEmpty()) {
      pending.poll().result().tryFail(error);
    }
  }

  @Override
  protected void unbind() {
    failAll(new MemcacheException("connection to memcached closed with "
        + pending.size() + " requests outstanding", closeReason()));
  }
}
