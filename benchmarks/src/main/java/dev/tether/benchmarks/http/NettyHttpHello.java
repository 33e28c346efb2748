package dev.tether.benchmarks.http;

import dev.tether.benchmarks.echo.BenchArgs;
import dev.tether.benchmarks.echo.NettyServers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The baseline of the http benchmark: Netty 4.2's native epoll transport with {@code
 * HttpServerCodec} and the handler of Netty's own hello-world example, answering every request
 * with the same 200 as {@code dev.tether.examples.http.HttpHello} (text/plain, Content-Length,
 * Date, {@code Hello, world!\n}; Connection: close when the request does not keep alive). Usage:
 * {@code NettyHttpHello <port> [event loops]} (2 by default); binds 127.0.0.1 and serves until
 * killed.
 */
public final class NettyHttpHello {
  private static final ByteBuf BODY = Unpooled.unreleasableBuffer(Unpooled.directBuffer()
      .writeBytes("Hello, world!\n".getBytes(StandardCharsets.US_ASCII))).asReadOnly();
  private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
  private static final AsciiString LENGTH = AsciiString.cached(
      Integer.toString(BODY.readableBytes()));
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private NettyHttpHello() {}

  public static void main(String[] args) throws InterruptedException {
    int port = BenchArgs.port(args);
    int threads = args.length > 1 ? BenchArgs.positive("event loops", args[1]) : 2;
    NettyServers.serve(port, threads,
        ch -> ch.pipeline().addLast(new HttpServerCodec(), new HelloHandler()),
        "netty http hello listening on 127.0.0.1:" + port + " event loops=" + threads);
  }

  /** Answers each request head; bodies (HttpContent) are released unread. One per channel. */
  private static final class HelloHandler extends ChannelInboundHandlerAdapter {
    private long dateSecond;
    private AsciiString date;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest) {
          answer(ctx, (HttpRequest) msg);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void answer(ChannelHandlerContext ctx, HttpRequest request) {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(),
          HttpResponseStatus.OK, BODY.duplicate());
      response.headers()
          .set(HttpHeaderNames.DATE, date())
          .set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
          .set(HttpHeaderNames.CONTENT_LENGTH, LENGTH);
      if (!keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.write(response).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      if (!request.protocolVersion().isKeepAliveDefault()) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      ctx.write(response, ctx.voidPromise());
    }

    /** The Date value, formatted once a second as Tether's server does. */
    private AsciiString date() {
      long second = System.currentTimeMillis() / 1000;
      if (date == null || second != dateSecond) {
        dateSecond = second;
        date = new AsciiString(DATE.format(Instant.ofEpochSecond(second)));
      }
      return date;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // wrk closes its connections at the end of each run; resets are expected.
      ctx.close();
    }
  }
}
