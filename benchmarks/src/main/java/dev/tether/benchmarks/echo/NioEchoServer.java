package dev.tether.benchmarks.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * The plain-JDK baseline: one thread, one {@link Selector}, echo with back pressure. Reads go
 * through one shared direct buffer; bytes the socket would not take are parked in the connection's
 * own buffer (its attachment) and reading stops until they are written, so memory stays bounded by
 * one buffer per slow connection. Usage: {@code NioEchoServer <port>}; binds 127.0.0.1 and serves
 * until killed.
 */
public final class NioEchoServer {
  private static final int BUFFER_SIZE = 64 * 1024;

  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
  private final Selector selector;
  private final ServerSocketChannel server;

  private NioEchoServer(int port) throws IOException {
    selector = Selector.open();
    server = ServerSocketChannel.open();
    server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
  }

  public static void main(String[] args) throws IOException {
    int port = BenchArgs.port(args);
    NioEchoServer echo = new NioEchoServer(port);
    System.out.println("nio echo listening on 127.0.0.1:" + port);
    echo.run();
  }

  private void run() throws IOException {
    while (true) {
      selector.select();
      Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
      while (keys.hasNext()) {
        SelectionKey key = keys.next();
        keys.remove();
        try {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accept();
          } else {
            if (key.isWritable()) {
              flushPending(key);
            }
            if (key.isValid() && key.isReadable()) {
              echo(key);
            }
          }
        } catch (IOException e) {
          // A reset from the load generator closing at the end of a point: drop the connection.
          close(key);
        }
      }
    }
  }

  private void accept() throws IOException {
    SocketChannel ch;
    while ((ch = server.accept()) != null) {
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.register(selector, SelectionKey.OP_READ);
    }
  }

  private void echo(SelectionKey key) throws IOException {
    SocketChannel ch = (SocketChannel) key.channel();
    readBuffer.clear();
    int n = ch.read(readBuffer);
    if (n < 0) {
      close(key);
      return;
    }
    readBuffer.flip();
    ch.write(readBuffer);
    if (readBuffer.hasRemaining()) {
      ByteBuffer pending = ByteBuffer.allocate(readBuffer.remaining());
      pending.put(readBuffer).flip();
      key.attach(pending);
      key.interestOps(SelectionKey.OP_WRITE);
    }
  }

  private static void flushPending(SelectionKey key) throws IOException {
    ByteBuffer pending = (ByteBuffer) key.attachment();
    ((SocketChannel) key.channel()).write(pending);
    if (!pending.hasRemaining()) {
      key.attach(null);
      key.interestOps(SelectionKey.OP_READ);
    }
  }

  private static void close(SelectionKey key) {
    key.cancel();
    try {
      key.channel().close();
    } catch (IOException ignored) {
      // Closing a socket that already failed; nothing left to release.
    }
  }
}
