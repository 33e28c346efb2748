package dev.tether.server.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The messages between a worker pool and its workers, beside the application's own. Their names
 * are reserved (U+0001 first: {@code write} refuses them), so no application message is ever
 * taken for one, and a worker started alone simply never sees them.
 *
 * <pre>
 * pool -&gt; worker   [U+0001 "call", id, name, args...]   a request
 * worker -&gt; pool   [U+0001 "reply", id, reply...]       its reply: the handler's first message
 * pool -&gt; worker   [U+0001 "beat", seq]                 a heartbeat
 * worker -&gt; pool   [U+0001 "beat", seq, lag us, in flight, connections, heap used, served,
 *                   heap used after the last GC or -1]
 * pool -&gt; worker   [U+0001 "conn", id, read] + 1 fd     a connection to serve (read: base64 of
 *                                                       bytes read before, handed back; or "")
 * worker -&gt; pool   [U+0001 "ack", id]                   it is served: the pool closes its copy
 * pool -&gt; worker   [U+0001 "drain"]                     no more work comes: finish what you have
 * worker -&gt; pool   [U+0001 "back", read] + 1 fd         a connection handed back (draining),
 *                                                       with the bytes it read, not handled
 * </pre>
 *
 * <p>Ids are the pool's: a reply names the request it answers, so a reply that comes after its
 * request timed out is recognised and dropped, never taken for another's.
 */
public final class PoolProtocol {
  /** Name of a pool's request. */
  public static final String CALL = "\u0001call";
  /** Name of a worker's reply to a request. */
  public static final String REPLY = "\u0001reply";
  /** Name of a heartbeat and of its answer. */
  public static final String BEAT = "\u0001beat";
  /** Name of a connection handed to a worker (with its fd). */
  public static final String CONN = "\u0001conn";
  /** Name of a worker's acknowledgement of a handed connection. */
  public static final String ACK = "\u0001ack";
  /** Name of a connection a worker hands back to its pool (with its fd). */
  public static final String BACK = "\u0001back";
  /** Most bytes read and not handled that go with a connection handed back. */
  public static final int MAX_HANDED_BACK_BYTES = 32 * 1024;
  /** Name of the pool's word that a worker gets no more work and is stopped once it is idle. */
  public static final String DRAIN = "\u0001drain";
  /** Second element of the error reply to a request whose handler wrote no reply. */
  public static final String NO_REPLY = "no reply";
  /** Second element of the error reply to a request for a handler that takes a payload. */
  public static final String TAKES_PAYLOAD = "handler takes a payload";
  /** Elements of a heartbeat's answer. */
  public static final int BEAT_ANSWER_SIZE = 8;

  private PoolProtocol() {}

  /** {@code [tag, id, elements...]}. */
  public static List<String> tagged(String tag, String id, List<String> elements) {
    List<String> message = new ArrayList<>(elements.size() + 2);
    message.add(tag);
    message.add(id);
    message.addAll(elements);
    return message;
  }
}
