package dev.tether.server.internal;

import com.google.protobuf.Parser;
import dev.tether.channel.ChannelException;
import dev.tether.channel.ReceivedMessage;
import dev.tether.channel.codec.WireFormat;
import dev.tether.channel.internal.Fds;
import dev.tether.channel.internal.Protobuf;
import dev.tether.server.FdMessageHandler;
import dev.tether.server.MessageHandler;
import dev.tether.server.ProtoHandler;
import dev.tether.server.WorkerChannel;
import java.io.FileDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's table of message handlers and the dispatch of one received message to one of them,
 * with the error replies of {@code AbstractServer}'s contract.
 *
 * <p>Not thread-safe: handlers are defined while the server is constructed (or in
 * {@code initializeServer}) and dispatch runs on the reactor thread only.
 */
public final class Dispatcher {
  /** First element of every error reply. */
  public static final String ERROR = "error";
  /** Second element of the reply to a message nobody handles. */
  public static final String UNKNOWN_MESSAGE = "unknown message";
  /** Second element of the reply to a message whose handler threw. */
  public static final String HANDLER_FAILED = "handler failed";

  /** Longest exception description put into an error reply, in UTF-8 bytes. */
  private static final int MAX_DESCRIPTION = 4000;
  /** UTF-8 bytes of an error reply's fixed elements ("error" and the kind) with their NULs. */
  private static final int UNKNOWN_OVERHEAD = utf8Length(ERROR) + utf8Length(UNKNOWN_MESSAGE) + 2;
  private static final int FAILED_OVERHEAD = utf8Length(ERROR) + utf8Length(HANDLER_FAILED) + 2;

  private sealed interface Entry {}

  private record Plain(MessageHandler handler) implements Entry {}

  private record WithFds(FdMessageHandler handler) implements Entry {}

  private record Cached(String name, Entry entry) {}

  private record Proto<T>(Parser<T> parser, ProtoHandler<T> handler) implements Entry {
    void handle(byte[] payload) throws Exception {
      handler.handle(Protobuf.parse(parser, payload));
    }
  }

  /** Slots of the lookup cache (a power of two). */
  private static final int CACHED_NAMES = 64;

  private final String serverClass;
  private final Map<String, Entry> handlers = new HashMap<>();
  // Handlers found lately, by the very String of the name: a reader's NameCache hands out the
  // same instance for every message of a name, so a hit costs no String.equals and no HashMap
  // walk. Direct-mapped on the name's (cached) hash; only defined names, whose entries never
  // change, go in, each with its entry in one object (read whole, never torn).
  private final Cached[] cached = new Cached[CACHED_NAMES];

  /** A dispatcher for a server of class {@code serverClass} (named in logs). */
  public Dispatcher(String serverClass) {
    this.serverClass = serverClass;
  }

  public void define(String name, MessageHandler handler) {
    put(name, new Plain(Objects.requireNonNull(handler, "handler")));
  }

  public void defineWithFds(String name, FdMessageHandler handler) {
    put(name, new WithFds(Objects.requireNonNull(handler, "handler")));
  }

  public <T> void defineProto(String name, Parser<T> parser, ProtoHandler<T> handler) {
    put(name, new Proto<>(Objects.requireNonNull(parser, "parser"),
        Objects.requireNonNull(handler, "handler")));
  }

  /** Handles one of Tether's own messages, whose name is reserved (starts with U+0001). */
  public void defineReserved(String name, MessageHandler handler) {
    putReserved(name, new Plain(Objects.requireNonNull(handler, "handler")));
  }

  /** Handles one of Tether's own messages that carry fds; see {@link #defineReserved}. */
  public void defineReserved(String name, FdMessageHandler handler) {
    putReserved(name, new WithFds(Objects.requireNonNull(handler, "handler")));
  }

  private void putReserved(String name, Entry entry) {
    if (name.isEmpty() || name.charAt(0) != '\u0001') {
      throw new IllegalArgumentException("name : " + name + " (expected: reserved, U+0001 first)");
    }
    handlers.put(name, entry);
  }

  private void put(String name, Entry entry) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.indexOf('\0') >= 0 || name.charAt(0) == '\u0001') {
      throw new IllegalArgumentException("name : \"" + name.replace('\0', '?')
          .replace('\u0001', '?') + "\" (expected: not empty, no NUL, not U+0001 first)");
    }
    if (handlers.putIfAbsent(name, entry) != null) {
      throw new IllegalArgumentException(
          "name : " + name + " (expected: a message without a handler; it has one already)");
    }
  }

  /**
   * Whether {@code message}'s handler takes a payload: the scalar that follows the message on the
   * stream, to be read before {@link #dispatch}.
   */
  public boolean takesPayload(ReceivedMessage message) {
    return entry(name(message.elements())) instanceof Proto;
  }

  /**
   * Runs the handler of {@code message} (with {@code payload}, the scalar that followed it, if
   * {@link #takesPayload}), or sends the error reply. Never throws (but
   * {@link VirtualMachineError}s pass): a failure is logged and answered. Every fd of the message
   * is closed or handed to a {@link FdMessageHandler}.
   */
  public void dispatch(ReceivedMessage message, byte[] payload, WorkerChannel client) {
    String name = name(message.elements());
    dispatch(name, entry(name), message.elements(), message.fds(), payload, client);
  }

  /**
   * Dispatches the message of {@code elements} (immutable), which came with {@code fds}
   * (immutable), as {@link #dispatch(ReceivedMessage, byte[], WorkerChannel)} does, unless its
   * handler {@link #takesPayload takes a payload}: then returns false, having done nothing (the
   * caller keeps the fds). One lookup for both.
   */
  public boolean dispatchUnlessPayload(List<String> elements, List<FileDescriptor> fds,
      WorkerChannel client) {
    String name = name(elements);
    Entry entry = entry(name);
    if (entry instanceof Proto) {
      return false;
    }
    dispatch(name, entry, elements, fds, null, client);
    return true;
  }

  private void dispatch(String name, Entry entry, List<String> elements,
      List<FileDescriptor> fds, byte[] payload, WorkerChannel client) {
    if (entry == null) {
      close(fds);
      log().warn("{}: unknown message {} ({} argument(s)); answered with an error", serverClass,
          fit(name, MAX_DESCRIPTION), Math.max(0, elements.size() - 1));
      reply(client, List.of(ERROR, UNKNOWN_MESSAGE,
          fit(name, WireFormat.MAX_MESSAGE_BODY_SIZE - UNKNOWN_OVERHEAD - 1)));
      return;
    }
    List<String> args = elements.isEmpty() ? List.of() : elements.subList(1, elements.size());
    try {
      if (entry instanceof WithFds w) {
        w.handler().handle(args, fds); // the handler owns the fds from here
      } else {
        try {
          if (entry instanceof Plain p) {
            p.handler().handle(args);
          } else {
            ((Proto<?>) entry).handle(payload);
          }
        } finally {
          close(fds);
        }
      }
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      log().error("{}: handler of message {} failed; answered with an error", serverClass,
          fit(name, MAX_DESCRIPTION), t);
      String description = describe(t);
      reply(client, List.of(ERROR, HANDLER_FAILED, fit(name, WireFormat.MAX_MESSAGE_BODY_SIZE
          - FAILED_OVERHEAD - utf8Length(description) - 2), description));
    }
  }

  private static void close(List<FileDescriptor> fds) {
    for (int i = 0; i < fds.size(); i++) { // no iterator: almost every message has no fds
      Fds.close(fds.get(i));
    }
  }

  /** The handler entry of {@code name}, or null. */
  private Entry entry(String name) {
    int slot = name.hashCode() & (CACHED_NAMES - 1);
    Cached hit = cached[slot];
    if (hit != null && hit.name() == name) {
      return hit.entry();
    }
    Entry entry = handlers.get(name);
    if (entry != null) {
      cached[slot] = new Cached(name, entry);
    }
    return entry;
  }

  private static String name(List<String> elements) {
    return elements.isEmpty() ? "" : elements.get(0);
  }

  private void reply(WorkerChannel client, List<String> reply) {
    try {
      client.write(reply);
    } catch (ChannelException e) {
      log().warn("{}: cannot send error reply {}: {}", serverClass, reply, e.toString());
    }
  }

  /** "class: message", NUL-free, valid UTF-8 and at most {@link #MAX_DESCRIPTION} bytes. */
  static String describe(Throwable t) {
    String s = t.getClass().getName() + (t.getMessage() != null ? ": " + t.getMessage() : "");
    return fit(s.replace('\0', '?'), MAX_DESCRIPTION);
  }

  /**
   * {@code s} as an element of at most {@code maxBytes} UTF-8 bytes: unpaired surrogates become
   * '?' (the channel refuses them), and a longer string is cut on a character boundary and ends
   * with {@code "...(<its length> bytes)"}. Error replies must always be writable: a reply the
   * worker cannot write leaves the caller waiting forever.
   */
  static String fit(String s, int maxBytes) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= maxBytes) {
      return new String(utf8, StandardCharsets.UTF_8);
    }
    String suffix = "...(" + utf8.length + " bytes)";
    int keep = Math.max(0, maxBytes - suffix.length());
    while (keep > 0 && (utf8[keep] & 0xC0) == 0x80) { // a continuation byte: not a boundary
      keep--;
    }
    return new String(utf8, 0, keep, StandardCharsets.UTF_8) + suffix;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Looked up when needed, not in a static field: a worker's start must not wait for logging. */
  private static Logger log() {
    return LoggerFactory.getLogger(Dispatcher.class);
  }
}
