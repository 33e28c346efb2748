package dev.tether.benchmarks.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The bootstrap the Netty baselines share: native epoll transport, backlog 4096, SO_REUSEADDR,
 * TCP_NODELAY on accepted connections, bound to 127.0.0.1. Not part of Tether's API.
 */
public final class NettyServers {
  private NettyServers() {}

  /**
   * Binds 127.0.0.1:{@code port} on {@code threads} event loops (the acceptor shares them), gives
   * each accepted channel's pipeline to {@code pipeline}, prints {@code banner} to stdout once
   * bound, and serves on the calling thread until the server channel closes (in practice until
   * the process is killed); the event loops are shut down on the way out.
   *
   * @throws IllegalStateException if the native epoll transport is unavailable
   * @throws InterruptedException if the calling thread is interrupted while serving
   */
  public static void serve(int port, int threads, Consumer<EpollSocketChannel> pipeline,
      String banner) throws InterruptedException {
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
              pipeline.accept(ch);
            }
          })
          .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
      System.out.println(banner);
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }
}
