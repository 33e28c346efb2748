/**
 * EventMachine's protocol modules as {@link dev.tether.reactor.Connection} subclasses: lines
 * ({@link dev.tether.reactor.protocols.LineProtocol}, {@link
 * dev.tether.reactor.protocols.LineText2}, {@link dev.tether.reactor.protocols.LineAndText}),
 * requests of headers and a body ({@link dev.tether.reactor.protocols.HeaderAndContent}) and
 * length-delimited protobuf messages ({@link dev.tether.reactor.protocols.ObjectProtocol}).
 *
 * <p>Each parses incrementally: any chunking of the input, one byte at a time included, gives the
 * same callbacks, and nothing is allocated per byte. Each bounds what it buffers by a limit given
 * at construction, and says past it through a callback whose default closes the connection with
 * a reason naming the value and the limit. Threading is the reactor's: every method and callback
 * on the reactor thread (settings may also be made before the connection is bound).
 */
package dev.tether.reactor.protocols;
