package dev.tether.benchmarks.echo;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

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
    NettyServers.serve(port, threads, ch -> ch.pipeline().addLast(EchoHandler.INSTANCE),
        "netty echo listening on 127.0.0.1:" + port + " threads=" + threads);
  }

  /** The echo handler, shared by every channel (and by {@link NettyTlsEchoServer}). */
  @Sharable
  static final class EchoHandler extends ChannelInboundHandlerAdapter {
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
