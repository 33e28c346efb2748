package dev.tether.channel.codec;

/**
 * The numbers and reserved names of the wire format, in one place. See {@code WIRE.md}: a message
 * is {@code u16 N | N bytes of NUL-terminated elements}, a scalar is {@code u32 L | L bytes}.
 */
public final class WireFormat {
  /** Bytes of a message frame's length header. */
  public static final int MESSAGE_HEADER_SIZE = 2;

  /** The largest message body: the u16 length header caps it. */
  public static final int MAX_MESSAGE_BODY_SIZE = 0xFFFF;

  /** Bytes of a scalar frame's length header. */
  public static final int SCALAR_HEADER_SIZE = 4;

  /**
   * The most file descriptors one message can carry: the kernel's limit for one sendmsg
   * (SCM_MAX_FD). Every Tether sender refuses more before sending anything, and every Tether
   * receiver has room for this many on each read.
   */
  public static final int MAX_FDS_PER_MESSAGE = dev.tether.unix.internal.Linux.SCM_MAX_FD;

  /**
   * Element 0 of a Tether fd-carrying message: {@code ["\u0001fds", count, name, args...]}, with
   * {@code count} file descriptors attached (SCM_RIGHTS) to the frame's bytes. A Passenger peer
   * never sends it; a Tether reader strips the two header elements and returns the message with
   * exactly its fds. Names starting with U+0001 are reserved for Tether.
   */
  public static final String FDS_MARKER = "\u0001fds";

  /** Passenger's fd negotiation: the receiver asks with this message... */
  public static final String PASS_IO = "pass IO";

  /** ...and acknowledges with this one once the fd has arrived. */
  public static final String GOT_IO = "got IO";

  private WireFormat() {}
}
