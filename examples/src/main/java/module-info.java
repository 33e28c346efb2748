/**
 * Runnable examples of Tether, one package each. Workers are started on the class path by
 * {@code ChildMain}, which constructs the server class reflectively: the packages are exported.
 */
module dev.tether.examples {
  requires dev.tether.server;
  requires java.net.http; // PoolDemo's client
  requires org.slf4j;

  exports dev.tether.examples.channel;
  exports dev.tether.examples.chat;
  exports dev.tether.examples.echo;
  exports dev.tether.examples.fetch;
  exports dev.tether.examples.files;
  exports dev.tether.examples.hello;
  exports dev.tether.examples.http;
  exports dev.tether.examples.popen;
  exports dev.tether.examples.udp;
  exports dev.tether.examples.tls;
  exports dev.tether.examples.tail;
  exports dev.tether.examples.lines;
  exports dev.tether.examples.smtp;
}
