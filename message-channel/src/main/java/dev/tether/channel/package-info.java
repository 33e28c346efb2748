/**
 * The blocking message channel between a supervisor and its worker: Phusion Passenger's
 * MessageChannel wire format over an AF_UNIX stream socket, with scalars, hashes, protobuf
 * payloads and file descriptor passing. All exceptions are unchecked and rooted in
 * {@link dev.tether.channel.ChannelException}.
 */
package dev.tether.channel;
