package dev.tether.benchmarks.echo;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;

/**
 * The TLS baseline: {@link NettyEchoServer}'s echo behind Netty's {@code SslHandler} with the
 * JDK's SSLEngine (the provider Tether uses, so the comparison is of the I/O around it). Usage:
 * {@code NettyTlsEchoServer <port> <cert.pem> <key.pem>}; binds 127.0.0.1, one event loop.
 */
public final class NettyTlsEchoServer {
  private NettyTlsEchoServer() {}

  public static void main(String[] args) throws Exception {
    int port = BenchArgs.port(args);
    if (args.length != 3) {
      throw new IllegalArgumentException("args : " + args.length
          + " (expected: <port> <cert.pem> <key.pem>)");
    }
    SslContext ssl = SslContextBuilder.forServer(new File(args[1]), new File(args[2]))
        .sslProvider(SslProvider.JDK).build();
    NettyServers.serve(port, 1, ch -> ch.pipeline()
        .addLast(ssl.newHandler(ch.alloc()), NettyEchoServer.EchoHandler.INSTANCE),
        "netty tls echo listening on 127.0.0.1:" + port);
  }
}
