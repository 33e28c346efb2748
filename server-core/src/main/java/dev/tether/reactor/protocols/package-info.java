/**
 * EventMachine's protocol modules on Tether's reactor. As {@link dev.tether.reactor.Connection}
 * subclasses: lines ({@link dev.tether.reactor.protocols.LineProtocol}, {@link
 * dev.tether.reactor.protocols.LineText2}, {@link dev.tether.reactor.protocols.LineAndText}),
 * requests of headers and a body ({@link dev.tether.reactor.protocols.HeaderAndContent}),
 * length-delimited protobuf messages ({@link dev.tether.reactor.protocols.ObjectProtocol}), SMTP
 * ({@link dev.tether.reactor.protocols.SmtpServer}, {@link
 * dev.tether.reactor.protocols.SmtpClient}) and memcached's text protocol ({@link
 * dev.tether.reactor.protocols.Memcache}). As clients returning {@link
 * dev.tether.reactor.toolkit.Deferrable}s: {@link dev.tether.reactor.protocols.HttpClient},
 * {@link dev.tether.reactor.protocols.TcpConnectTester}, {@link
 * dev.tether.reactor.protocols.Socks4}.
 *
 * <p>Each parses incrementally: any chunking of the input, one byte at a time included, gives the
 * same callbacks, and nothing is allocated per byte. Each bounds what it buffers by a limit given
 * at construction, and says past it through a callback or a failure naming the value and the
 * limit. Threading is the reactor's: every method and callback on the reactor thread (settings
 * may also be made before the connection is bound).
 */
package dev.tether.reactor.protocols;
