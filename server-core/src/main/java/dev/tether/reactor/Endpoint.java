package dev.tether.reactor;

import dev.tether.reactor.internal.FdSender;
import dev.tether.reactor.internal.FileRegion;
import dev.tether.reactor.internal.OutboundBuffer;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Errors;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Poller;
import dev.tether.unix.internal.ScmRights;
import dev.tether.unix.internal.Sockets;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import org.slf4j.LoggerFactory;

/**
 * The I/O state behind one {@link Connection}: its fd, outgoing queue, read interest and
 * back-pressure flags, proxy links and timeouts. Owns the fd from registration until {@link
 * #close}. Reactor thread only.
 */
final class Endpoint extends Handle {
  private static final int CONNECTING = 0;
  private static final int OPEN = 1;
  private static final int CLOSING = 2;
  private static final int CLOSED = 3;

  final Reactor reactor;
  final Connection connection;
  /** recv/send (cheaper) instead of read/write: false for other stream fds given to attach. */
  private final boolean socket;
  private final OutboundBuffer out;
  private int state;
  private boolean paused;
  private boolean full;
  private long low;
  private long high;
  private long lastActivity;
  private long inactivityNanos;
  private Throwable closeReason;
  /** A read returned the peer's end of stream. */
  private boolean inputEnded;
  /** closeAfterWriting came while connecting: CLOSING, not OPEN, once connected. */
  private boolean closeWhenConnected;
  private SocketAddress peer;
  private SocketAddress local;
  Endpoint proxyTarget;
  Endpoint proxySource;
  ScheduledTimer connectTimer;
  private ScmRights scm;
  private int maxFds;
  private int[] fdBuffer;
  private int fdCount;
  /** Files streamed while output is transformed; null until the first. */
  private FileStreamFallback fallback;
  /** Test hook: behave as if output were transformed (no TLS yet to make it so). */
  boolean forceTransform;
  private final IntConsumer fdSink = received -> {
    if (fdCount == fdBuffer.length) {
      fdBuffer = java.util.Arrays.copyOf(fdBuffer, fdCount * 2);
    }
    fdBuffer[fdCount++] = received;
  };

  Endpoint(Reactor reactor, Connection connection, int fd, boolean connecting, boolean socket) {
    if (connection.endpoint != null) {
      throw new ReactorException("connection " + connection.getClass().getName()
          + " is already bound (expected: a new Connection object per fd)");
    }
    this.reactor = reactor;
    this.connection = connection;
    this.fd = fd;
    this.socket = socket;
    this.out = new OutboundBuffer(reactor.io().chunks, reactor.io().fdSender);
    this.state = connecting ? CONNECTING : OPEN;
    this.low = reactor.defaultLowWatermark();
    this.high = reactor.defaultHighWatermark();
    connection.endpoint = this;
  }

  @Override
  void onEvents(int events) {
    if (state == CONNECTING) {
      finishConnect();
      return;
    }
    if ((events & (Poller.WRITE | Poller.ERROR)) != 0 && !out.isEmpty()) {
      flush();
    }
    if (state == CLOSED) {
      return;
    }
    if ((events & (Poller.READ | Poller.HANGUP | Poller.ERROR)) != 0) {
      if ((registered & Poller.READ) != 0) {
        read();
      } else if ((events & (Poller.HANGUP | Poller.ERROR)) != 0) {
        // Not reading, so the hang-up cannot surface as EOF; level-triggered, it would repeat.
        int errno = reactor.io().sockets.connectError(fd);
        close(errno == 0 ? null : Errors.failure("recv", fd, errno));
      }
    }
  }

  private void read() {
    ByteBuffer buffer = reactor.io().readBuffer;
    long n;
    if (scm != null) {
      n = receiveWithFds(buffer);
      if (n < 0 || state == CLOSED) {
        return;
      }
    } else {
      long address = reactor.io().readAddress;
      n = socket ? Sockets.receive(fd, address, buffer.capacity())
          : Io.read(fd, address, buffer.capacity());
      if (n < 0) {
        if (n != -Linux.EAGAIN && n != -Linux.EINTR) {
          inputEnded = n == -Linux.ECONNRESET; // a reset comes after the data sent before it
          close(Errors.failure(socket ? "recv" : "read", fd, (int) -n));
        }
        return;
      }
    }
    if (n > 0) {
      touch();
      buffer.clear().limit((int) n);
      if (proxyTarget != null) {
        proxyTarget.send(buffer);
      } else {
        reactor.callbacks().invoke(Callbacks.RECEIVE, connection, buffer);
      }
    } else {
      inputEnded = true;
      closeAfterWriting(); // peer's EOF: write what is queued, then close
    }
  }

  boolean inputEnded() {
    return inputEnded;
  }

  /** recvmsg with a control buffer; hands received fds to the connection first. -1: no data. */
  private long receiveWithFds(ByteBuffer buffer) {
    long n;
    fdCount = 0;
    try {
      n = scm.receive(fd, reactor.io().readAddress, buffer.capacity(), fdSink);
    } catch (NativeCallException e) { // a reset or another read error: the close says which
      inputEnded = e.errno() == Linux.ECONNRESET; // a reset comes after the data sent before it
      close(e);
      return -1;
    }
    if (scm.truncated()) {
      // Looked up here: every worker's channel is an Endpoint, and its start must not wait for
      // logging to start.
      LoggerFactory.getLogger(Endpoint.class).warn(
          "{}: more than {} fds came in one message; the kernel closed the rest",
          connection.getClass().getName(), maxFds);
    }
    if (fdCount > 0) {
      int[] fds = java.util.Arrays.copyOf(fdBuffer, fdCount);
      reactor.callbacks().invokeFds(connection, fds);
    }
    return n;
  }

  void receiveFds(int maxPerMessage) {
    if (maxPerMessage <= 0 || maxPerMessage > 253) {
      throw new IllegalArgumentException("maxPerMessage : " + maxPerMessage
          + " (expected: 1..253)");
    }
    maxFds = maxPerMessage;
    scm = new ScmRights(maxPerMessage);
    fdBuffer = new int[maxPerMessage];
  }

  boolean send(ByteBuffer data) {
    if (fallback != null && (fallback.holding() || fallback.closeWhenDone)) {
      if (!fallback.closeWhenDone && accepting()) {
        fallback.hold(data); // behind a file being streamed
        outboundChanged();
      }
      return false;
    }
    return sendNow(data);
  }

  /** Whether the connection takes data to send (open, or connecting without a close pending). */
  private boolean accepting() {
    return state == OPEN || (state == CONNECTING && !closeWhenConnected);
  }

  /**
   * Whether the output is transformed on its way to the fd (TLS), so that bytes must pass through
   * {@link #sendNow} and files cannot go by sendfile(2).
   */
  boolean transformsOutput() {
    return forceTransform;
  }

  /**
   * Queues {@code length} bytes of {@code path} from {@code offset} (-1: to its end): by
   * sendfile(2) from the queue, or in chunks through {@link FileStreamFallback} when the output
   * is transformed.
   */
  CompletableFuture<Void> streamFile(Path path, long offset, long length) {
    FileRegion region = FileRegion.open(path, offset, length);
    if (!accepting() || (fallback != null && fallback.closeWhenDone)) {
      region.fail(null);
      return region.future();
    }
    if (transformsOutput()) {
      if (fallback == null) {
        fallback = new FileStreamFallback(this);
      }
      fallback.add(region);
      outboundChanged();
      return region.future();
    }
    boolean wasEmpty = out.isEmpty();
    out.appendRegion(region);
    if (state == OPEN && wasEmpty) {
      flush();
    } else {
      outboundChanged();
    }
    return region.future();
  }

  boolean belowLowWatermark() {
    return out.weight() <= low;
  }

  /** {@link #send} not held behind a streamed file: the fallback's way to pass chunks on. */
  boolean sendNow(ByteBuffer data) {
    if (!accepting()) {
      return false;
    }
    boolean wrote = false;
    if (state == OPEN && out.isEmpty() && data.isDirect() && data.hasRemaining()) {
      wrote = true;
      long address = reactor.io().address(data);
      address += data.position();
      long n = socket ? Sockets.send(fd, address, data.remaining())
          : Io.write(fd, address, data.remaining());
      if (n < 0) {
        if (n != -Linux.EAGAIN && n != -Linux.EINTR) {
          close(Errors.failure(socket ? "send" : "write", fd, (int) -n));
          return false;
        }
      } else {
        data.position(data.position() + (int) n);
        touch();
      }
      if (!data.hasRemaining()) {
        return true;
      }
    }
    boolean wasEmpty = out.isEmpty();
    out.append(data);
    if (state == OPEN && wasEmpty && !wrote) {
      flush();
    } else {
      outboundChanged();
    }
    return state != CLOSED && out.isEmpty();
  }

  /** See {@link Connection#sendFileDescriptors}: sends now if nothing is queued, else queues. */
  boolean sendFds(int[] fds) {
    if (fds.length == 0 || fds.length > Linux.SCM_MAX_FD) {
      throw new IllegalArgumentException(
          "fds.length : " + fds.length + " (expected: 1.." + Linux.SCM_MAX_FD + ")");
    }
    for (int i = 0; i < fds.length; i++) {
      if (fds[i] < 0) {
        throw new IllegalArgumentException("fds[" + i + "] : " + fds[i] + " (expected: >= 0)");
      }
    }
    if (fallback != null && fallback.holding()) {
      throw new IllegalStateException("sendFileDescriptors while a file is being streamed through"
          + " transformed output (expected: after its future completed)");
    }
    if (!accepting()) {
      return false;
    }
    if (state == OPEN && out.isEmpty()) {
      int sent = reactor.io().fdSender.send(fd, fds);
      if (sent == FdSender.SENT) {
        touch();
        return true;
      }
      if (sent == -Linux.EBADF) {
        // Our socket is open, so one of the caller's fds is not: its error, not the connection's.
        throw Errors.failure("sendmsg", "SCM_RIGHTS " + Arrays.toString(fds), Linux.EBADF);
      }
      if (sent < 0) {
        close(Errors.failure("sendmsg", fd, -sent));
        return false;
      }
    }
    out.appendFds(duplicates(fds));
    outboundChanged();
    return false;
  }

  /** Close-on-exec duplicates of {@code fds}, owned by the caller; none if one fails. */
  private static int[] duplicates(int[] fds) {
    int[] copies = new int[fds.length];
    int made = 0;
    try {
      for (; made < fds.length; made++) {
        copies[made] = Io.duplicateCloexec(fds[made], 0);
      }
    } catch (RuntimeException e) {
      for (int i = 0; i < made; i++) {
        Io.close(copies[i]);
      }
      throw e;
    }
    return copies;
  }

  boolean writeCallback(Runnable callback) {
    if (fallback != null && fallback.holding() && state != CLOSED) {
      fallback.hold(callback);
      return false;
    }
    return writeCallbackNow(callback);
  }

  /** {@link #writeCallback} not held behind a streamed file. */
  boolean writeCallbackNow(Runnable callback) {
    if (state == CLOSED) {
      return false;
    }
    if (out.isEmpty() && state != CONNECTING) {
      reactor.callbacks().invoke(Callbacks.WRITE_CALLBACK, callback, null);
      return true;
    }
    out.appendCallback(callback);
    return false;
  }

  /** Writes what the socket takes, running write callbacks as their turn comes. */
  private void flush() {
    boolean hadData = !out.isEmpty();
    long before = out.bytes();
    int result;
    for (;;) {
      result = out.flush(fd, socket);
      if (result != OutboundBuffer.CALLBACK) {
        break;
      }
      reactor.callbacks().invoke(Callbacks.WRITE_CALLBACK, out.pollCallback(), null);
      if (state == CLOSED) {
        return;
      }
    }
    if (result < 0) {
      close(Errors.failure(out.sendingFile() ? "sendfile" : socket ? "send" : "write", fd,
          -result));
      return;
    }
    if (result == OutboundBuffer.TRUNCATED) {
      close(out.truncation());
      return;
    }
    if (out.bytes() != before) {
      touch();
    }
    outboundChanged();
    if (fallback != null) {
      fallback.pump();
      if (state == CLOSED || !out.isEmpty() || fallback.holding()) {
        return;
      }
    }
    if (result == OutboundBuffer.EMPTY && hadData) {
      if (state == CLOSING) {
        close(null);
        return;
      }
      reactor.callbacks().invoke(Callbacks.DRAINED, connection, null);
    }
  }

  /** Re-evaluates the watermarks and the poll interest after the queue changed. */
  void outboundChanged() {
    long bytes = out.weight() + (fallback != null ? fallback.bytes() : 0);
    boolean wasFull = full;
    if (!full && bytes > high) {
      full = true;
    } else if (full && bytes <= low) {
      full = false;
    }
    updateInterest();
    if (full != wasFull && proxySource != null) {
      proxySource.updateInterest();
    }
  }

  void updateInterest() {
    if (state == CLOSED) {
      return;
    }
    boolean reading = state == OPEN && !paused && !full
        && (fallback == null || !fallback.closeWhenDone)
        && (proxyTarget == null || !proxyTarget.full);
    int interest = (reading ? Poller.READ : 0)
        | (state == CONNECTING || !out.isEmpty() ? Poller.WRITE : 0);
    if (interest != registered) {
      reactor.reinterest(this, interest);
    }
  }

  private void finishConnect() {
    int errno = reactor.io().sockets.connectError(fd);
    if (errno != 0) {
      close(Errors.failure("connect", fd, errno));
      return;
    }
    if (connectTimer != null) {
      connectTimer.cancel();
      connectTimer = null;
    }
    state = closeWhenConnected ? CLOSING : OPEN;
    reactor.io().sockets.noDelay(fd);
    touch();
    reactor.callbacks().invoke(Callbacks.COMPLETED, connection, null);
    if (state != CLOSED && !out.isEmpty()) {
      flush();
    } else {
      updateInterest();
    }
  }

  /** Delivers {@code data} as input that has just been read (an adopted connection's). */
  void deliver(ByteBuffer data) {
    touch();
    reactor.callbacks().invoke(Callbacks.RECEIVE, connection, data);
  }

  void closeAfterWriting() {
    if (state == CLOSED || state == CLOSING) {
      return;
    }
    if (fallback != null && fallback.holding()) {
      fallback.closeWhenDone = true; // held data first: the fallback closes after it
      updateInterest();
    } else if (out.isEmpty()) {
      close(null);
    } else if (state == CONNECTING) {
      closeWhenConnected = true; // as EventMachine: write the queue once connected, then close
    } else {
      state = CLOSING;
      updateInterest();
    }
  }

  /**
   * Leaves the loop without closing the fd, which the caller owns from then on; unbind runs.
   *
   * @throws IllegalStateException unless open with nothing queued and no proxy
   */
  int detach() {
    if (state != OPEN || !out.isEmpty() || proxyTarget != null || proxySource != null
        || (fallback != null && fallback.holding())) {
      throw new IllegalStateException("detach() of fd " + fd + " (expected: an open, connected"
          + " connection with nothing queued and no proxy; it has " + out.bytes() + " bytes queued"
          + (state == OPEN ? "" : " and is " + (state == CLOSING ? "closing" : "not open")) + ")");
    }
    int detached = fd;
    release(null, false);
    return detached;
  }

  /** Releases the fd and the queue, unlinks proxies, then runs unbind. Idempotent. */
  void close(Throwable reason) {
    release(reason, true);
  }

  private void release(Throwable reason, boolean closeFd) {
    if (state == CLOSED) {
      return;
    }
    state = CLOSED;
    closeReason = reason;
    if (connectTimer != null) {
      connectTimer.cancel();
      connectTimer = null;
    }
    reactor.unregister(this);
    if (closeFd) {
      Io.close(fd);
    }
    out.release(reason);
    if (fallback != null) {
      fallback.release(reason);
    }
    if (inactivityNanos > 0) {
      reactor.trackInactivity(this, false);
    }
    if (proxyTarget != null) {
      proxyTarget.proxySource = null;
      proxyTarget = null;
    }
    Endpoint source = proxySource;
    proxySource = null;
    reactor.connectionClosed();
    if (source != null) {
      source.proxyTarget = null;
      source.updateInterest();
      reactor.callbacks().invoke(Callbacks.PROXY_TARGET_UNBOUND, source.connection, null);
    }
    reactor.callbacks().invoke(Callbacks.UNBIND, connection, null);
  }

  @Override
  void shutdown() {
    close(null);
  }

  /**
   * Notes traffic for the inactivity timeout. Without one, nothing reads the time: skipping the
   * clock saves two reads of it per echoed message.
   */
  private void touch() {
    if (inactivityNanos > 0) {
      lastActivity = System.nanoTime();
    }
  }

  /** Called by the heartbeat: closes the connection if it has been silent too long. */
  void checkInactivity(long now) {
    if (inactivityNanos > 0 && now - lastActivity >= inactivityNanos) {
      close(new ConnectionTimeoutException("no traffic for " + inactivityNanos / 1_000_000
          + " ms (inactivity timeout) on " + connection.getClass().getName()));
    }
  }

  void setInactivityTimeout(Duration timeout) {
    long nanos = Timers.nonNegativeNanos("inactivityTimeout", timeout);
    boolean was = inactivityNanos > 0;
    inactivityNanos = nanos;
    lastActivity = System.nanoTime(); // the timeout counts from now
    if (state != CLOSED && was != nanos > 0) {
      reactor.trackInactivity(this, nanos > 0);
    }
  }

  Duration inactivityTimeout() {
    return Duration.ofNanos(inactivityNanos);
  }

  void setPaused(boolean paused) {
    this.paused = paused;
    updateInterest();
  }

  boolean paused() {
    return paused;
  }

  boolean writable() {
    return state == OPEN && !full;
  }

  boolean full() {
    return full;
  }

  boolean open() {
    return state != CLOSED;
  }

  long outboundBytes() {
    return out.bytes() + (fallback != null ? fallback.bytes() : 0);
  }

  void setWatermarks(long low, long high) {
    if (low < 0 || low > high) {
      throw new IllegalArgumentException("low : " + low + ", high : " + high
          + " (expected: 0 <= low <= high)");
    }
    this.low = low;
    this.high = high;
    if (state != CLOSED) {
      outboundChanged();
    }
  }

  Throwable closeReason() {
    return closeReason;
  }

  SocketAddress peerAddress() {
    if (peer == null && state != CLOSED) {
      peer = reactor.io().sockets.peerAddress(fd);
    }
    return peer;
  }

  SocketAddress localAddress() {
    if (local == null && state != CLOSED) {
      local = reactor.io().sockets.localAddress(fd);
    }
    return local;
  }
}
