package dev.tether.benchmarks.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.net.InetSocketAddress;

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
    Epoll.ensureAvailability();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      Channel server = new ServerBootstrap()
          .group(group)
          .channel(EpollServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 4096)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<EpollSocketChannel>() {
            @Override
            protected void initChannel(EpollSocketChannel ch) {
              ch.pipeline().addLast(ssl.newHandler(ch.alloc()), EchoHandler.INSTANCE);
            }
          })
          .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
      System.out.println("netty tls echo listening on 127.0.0.1:" + port);
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }

  @Sharable
  private static final class EchoHandler extends ChannelInboundHandlerAdapter {
    static final EchoHandler INSTANCE = new EchoHandler();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // the load generator closes connections at the end of each point
    }
  }
}
