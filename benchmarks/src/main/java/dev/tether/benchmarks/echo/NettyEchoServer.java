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
import java.net.InetSocketAddress;

/**
 * The baseline: Netty 4.2's native epoll transport running the textbook echo handler (write on
 * read, flush on read-complete). Usage: {@code NettyEchoServer <port> [threads]}; binds
 * 127.0.0.1 and serves until killed. One event loop thread by default, because the servers it is
 * compared with run a single loop; the acceptor shares that loop.
 */
public final class NettyEchoServer {
  private NettyEchoServer() {}

  public static void main(String[] args) throws InterruptedException {
    int port = BenchArgs.port(args);
    int threads = args.length > 1 ? BenchArgs.positive("threads", args[1]) : 1;
    Epoll.ensureAvailability();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
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
              ch.pipeline().addLast(EchoHandler.INSTANCE);
            }
          })
          .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
      System.out.println("netty echo listening on 127.0.0.1:" + port + " threads=" + threads);
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
      // The load generator closes connections at the end of each point; resets are expected.
      ctx.close();
    }
  }
}
