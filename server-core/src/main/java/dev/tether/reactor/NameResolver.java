package dev.tether.reactor;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Resolves a host name for {@link Reactor#connect(String, int, Connection)}. Called on a thread
 * of the reactor's defer pool, never on the reactor thread, so it may block; it must be
 * thread-safe. Set with {@link Reactor#setNameResolver}.
 */
@FunctionalInterface
public interface NameResolver {
  /** The JDK's resolver, {@link InetAddress#getAllByName}: hosts file, DNS, its caches. */
  NameResolver SYSTEM = InetAddress::getAllByName;

  /**
   * The addresses of {@code host}, preferred first; the reactor connects to the first.
   *
   * @throws UnknownHostException if the name does not resolve
   */
  InetAddress[] resolve(String host) throws UnknownHostException;
}
