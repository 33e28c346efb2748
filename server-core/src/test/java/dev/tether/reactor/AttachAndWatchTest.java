package dev.tether.reactor;

import java.time.Duration;
import dev.tether.testing.OpenFds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.Sockets;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.FileDescriptorCast;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AttachAndWatchTest {

  /** The worker side of a supervisor channel, reduced to: receive fds, attach each. */
  static final class ChannelStub extends Connection {
    final List<Echo> attached = new CopyOnWriteArrayList<>();
    final StringBuffer text = new StringBuffer();

    @Override
    protected void postInit() {
      enableFileDescriptorReceiving(4);
    }

    @Override
    protected void receiveFileDescriptors(int[] fds) {
      for (int fd : fds) {
        Echo echo = new Echo();
        try {
          // The FileDescriptor form, as code holding junixsocket descriptors would call it.
          reactor().attach(FileDescriptorCast.unsafeUsing(fd).getFileDescriptor(), echo);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        attached.add(echo);
      }
    }

    @Override
    protected void receiveData(ByteBuffer data) {
      text.append(StandardCharsets.US_ASCII.decode(data));
    }
  }

  private static int[] socketPair() {
    int[] pair = Sockets.pair();
    return pair;
  }

  @Test
  void attachesATcpFdReceivedOverAUnixSocket() throws Exception {
    ReactorRunner.warmUp();
    var fdsBefore = OpenFds.snapshot();
    int[] pair = socketPair();
    try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        ReactorRunner runner = new ReactorRunner()) {
      // The worker's end of the channel is a reactor connection that reads with recvmsg.
      ChannelStub channel = runner.call(() -> runner.reactor.attach(pair[1], new ChannelStub()));

      // The "supervisor": a TCP connection whose fd it passes with junixsocket, then closes.
      int tcpFd = new Sockets().startConnect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
      try (Socket peer = listener.accept()) {
        peer.setSoTimeout(10_000);
        AFUNIXSocketChannel supervisor = FileDescriptorCast.unsafeUsing(pair[0])
            .as(AFUNIXSocketChannel.class);
        supervisor.setOutboundFileDescriptors(
            FileDescriptorCast.unsafeUsing(tcpFd).getFileDescriptor());
        assertEquals(4,
            supervisor.write(ByteBuffer.wrap("conn".getBytes(StandardCharsets.US_ASCII))));
        Io.close(tcpFd); // the supervisor releases its copy

        ReactorRunner.waitFor("attach", () -> channel.attached.size() == 1);
        ReactorRunner.waitFor("frame bytes", () -> channel.text.toString().equals("conn"));
        byte[] hello = "served by the worker's loop".getBytes(StandardCharsets.UTF_8);
        peer.getOutputStream().write(hello);
        byte[] echoed = new byte[hello.length];
        new DataInputStream(peer.getInputStream()).readFully(echoed);
        assertArrayEquals(hello, echoed);
        Echo echo = channel.attached.get(0);
        assertEquals(peer.getLocalSocketAddress(), runner.call(echo::peerAddress));
        assertEquals(2, (int) runner.call(runner.reactor::connectionCount), "channel and TCP");
        peer.shutdownOutput();
        ReactorRunner.waitFor("unbind", () -> echo.unbound);
      }
    } finally {
      Io.close(pair[0]); // pair[1] was the reactor's: closed by stop()
    }
    OpenFds.assertNoneOpenedSince(fdsBefore, Duration.ofSeconds(10),
        "the attached fds were closed by the reactor");
  }

  @Test
  void fdsSentToAConnectionThatDoesNotClaimThemAreClosed() throws Exception {
    ReactorRunner.warmUp();
    var fdsBefore = OpenFds.snapshot();
    int[] pair = socketPair();
    try (ReactorRunner runner = new ReactorRunner()) {
      java.util.concurrent.atomic.AtomicInteger received =
          new java.util.concurrent.atomic.AtomicInteger();
      Connection plain = new Connection() {
        @Override
        protected void postInit() {
          enableFileDescriptorReceiving(2);
        }

        @Override
        protected void receiveFileDescriptors(int[] fds) {
          received.addAndGet(fds.length);
          super.receiveFileDescriptors(fds); // the default: close them
        }
      };
      runner.run(() -> runner.reactor.attach(pair[1], plain));
      int[] stray = socketPair();
      AFUNIXSocketChannel sender = FileDescriptorCast.unsafeUsing(pair[0])
          .as(AFUNIXSocketChannel.class);
      sender.setOutboundFileDescriptors(
          FileDescriptorCast.unsafeUsing(stray[0]).getFileDescriptor(),
          FileDescriptorCast.unsafeUsing(stray[1]).getFileDescriptor());
      assertEquals(1, sender.write(ByteBuffer.wrap(new byte[] {1})));
      Io.close(stray[0]);
      Io.close(stray[1]);
      Io.close(pair[0]);
      ReactorRunner.waitFor("connection closed by EOF", () -> !runner.call(plain::isOpen));
      assertEquals(2, received.get(), "the fds did arrive");
    }
    OpenFds.assertNoneOpenedSince(fdsBefore, Duration.ofSeconds(10), "unclaimed fds closed");
  }

  /** Sockets are served with recv/send; other stream fds must still work, through read/write. */
  @Test
  void attachedPipesAreReadAndWritten() throws Exception {
    int[] in = Io.pipe(true);
    int[] out = Io.pipe(true);
    try (ReactorRunner runner = new ReactorRunner()) {
      Echo writer = new Echo();
      Echo reader = new Echo() {
        @Override
        protected void receiveData(ByteBuffer data) {
          writer.sendData(data);
        }
      };
      runner.run(() -> {
        runner.reactor.attach(out[1], writer);
        runner.reactor.attach(in[0], reader);
      });
      byte[] hello = "through two pipes".getBytes(StandardCharsets.US_ASCII);
      Io.writeFully(in[1], hello);
      Io.makeNonBlockingCloexec(out[0]);
      ByteBuffer relayed = Memory.allocate(hello.length);
      long address = Memory.address(relayed);
      ReactorRunner.waitFor("the bytes relayed, or a connection closed", () -> {
        long n = Io.read(out[0], address + relayed.position(), relayed.remaining());
        if (n > 0) {
          relayed.position(relayed.position() + (int) n);
        }
        return !relayed.hasRemaining() || reader.unbound || writer.unbound;
      });
      assertEquals(null, reader.reason, "reading the pipe");
      assertEquals(null, writer.reason, "writing the pipe");
      byte[] got = new byte[hello.length];
      relayed.flip().get(got);
      assertArrayEquals(hello, got);
      Io.close(in[1]);
      in[1] = -1;
      ReactorRunner.waitFor("reader unbound at the end of its pipe", () -> reader.unbound);
      assertEquals(null, reader.reason, "an orderly end, not a read error");
      assertTrue(runner.call(writer::isOpen), "the writer is still open");
    } finally {
      if (in[1] >= 0) {
        Io.close(in[1]);
      }
      Io.close(out[0]); // in[0] and out[1] were the reactor's: closed by close() or stop()
    }
  }

  @Test
  void watchReportsReadinessAndDetachLeavesTheFdOpen() throws Exception {
    int[] pair = Sockets.pair();
    ByteBuffer scratch = Memory.allocate(16);
    long address = Memory.address(scratch);
    try (ReactorRunner runner = new ReactorRunner()) {
      CompletableFuture<Integer> readable = new CompletableFuture<>();
      CompletableFuture<Boolean> writable = new CompletableFuture<>();
      CompletableFuture<Boolean> unbound = new CompletableFuture<>();
      Watcher watcher = new Watcher() {
        @Override
        protected void notifyReadable() {
          // The application reads the fd itself.
          long n = Io.read(fd(), address, 16);
          readable.complete((int) n);
          setNotifyReadable(false);
        }

        @Override
        protected void notifyWritable() {
          writable.complete(true);
          setNotifyWritable(false);
        }

        @Override
        protected void unbind() {
          unbound.complete(true);
        }
      };
      runner.run(() -> {
        runner.reactor.watch(pair[1], watcher);
        watcher.setNotifyWritable(true);
      });
      assertTrue(writable.get(10, TimeUnit.SECONDS));
      runner.run(() -> watcher.setNotifyReadable(true));
      scratch.put(0, (byte) 42);
      assertEquals(1, Io.write(pair[0], address, 1));
      assertEquals(1, readable.get(10, TimeUnit.SECONDS));
      runner.run(() -> {
        watcher.detach();
        watcher.detach();
      });
      assertTrue(unbound.get(10, TimeUnit.SECONDS));
      // Still open: the application owns it.
      Io.isCloexec(pair[1]); // throws EBADF if the reactor closed it
      assertEquals(1, Io.write(pair[1], address, 1));
    } finally {
      Io.close(pair[0]);
      Io.close(pair[1]);
    }
  }
}
