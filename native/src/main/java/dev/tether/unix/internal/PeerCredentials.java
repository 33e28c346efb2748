package dev.tether.unix.internal;

/**
 * The peer of a Unix socket as the kernel recorded it ({@code struct ucred}): its process id and
 * effective user and group ids at connect time. Immutable.
 *
 * @param pid the peer's process id (0 if it has none in our pid namespace)
 * @param uid the peer's effective user id
 * @param gid the peer's effective group id
 */
public record PeerCredentials(int pid, int uid, int gid) {
  /** Size of {@code struct ucred}: three 32-bit ids. */
  static final int BYTES = 12;
}
