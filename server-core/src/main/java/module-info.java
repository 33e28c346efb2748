/**
 * Tether's server core: the reactor that runs inside every worker, {@code AbstractServer} and the
 * child bootstrap, and the supervisor side that spawns, drives and reaps workers.
 */
module dev.tether.server {
  requires transitive dev.tether.channel;
  requires java.management;
  requires jdk.unsupported; // sun.misc.Signal for worker signal handlers
  requires dev.tether.unix;
  requires org.slf4j;

  exports dev.tether.reactor;
  exports dev.tether.reactor.protocols;
  exports dev.tether.reactor.toolkit;
  exports dev.tether.server;
  exports dev.tether.supervisor;
}
