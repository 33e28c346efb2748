/**
 * The blocking message channel (a supervisor's end of its channel to a worker, or a client of any
 * Passenger-format peer): Phusion Passenger's MessageChannel wire format over an AF_UNIX stream
 * socket, with scalars, hashes, protobuf payloads and file descriptor passing. A worker's end is
 * served by its reactor instead, with the same reader and writer underneath. All exceptions are
 * unchecked and rooted in {@link dev.tether.channel.ChannelException}.
 */
package dev.tether.channel;
