/**
 * Tether's message channel: Phusion Passenger's MessageChannel wire format, a blocking channel over
 * an AF_UNIX stream socket, fd passing and protobuf payloads.
 *
 * <p>{@code dev.tether.channel} is the blocking API; {@code dev.tether.channel.codec} is the
 * incremental, allocation-light codec that the blocking channel and the reactor share.
 */
module dev.tether.channel {
  requires transitive com.google.protobuf;
  requires transitive dev.tether.unix;
  requires org.slf4j;
  requires jdk.unsupported; // sun.misc.Unsafe: fd numbers to FileDescriptors and back, no natives

  exports dev.tether.channel;
  exports dev.tether.channel.codec;
  exports dev.tether.channel.internal to dev.tether.server;
}
