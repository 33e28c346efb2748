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
  /** Made by connect(): TLS's client side unless its options say otherwise. */
  private final boolean outgoing;
  /** TLS on this connection once startTls ran: reads unwrap through it, sends wrap. */
  TlsLayer tls;
  private final OutboundBuffer out;
  /**
   * A popen child's socket: its output is read even while the outgoing queue is full, as a child
   * that echoes (cat) stops reading its input while blocked writing output nobody reads.
   */
  private final boolean readsWhileFull;
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
  /** Bytes the relay to proxyTarget still carries; -1: no limit. */
  long proxyRemaining = -1;
  PendingConnect pendingConnect;
  /** This connection's pending-connect timeout; 0: the reactor's default. */
  long connectTimeoutNanos;
  PushedBack pushedBack;
  private boolean pull;
  /** The error being reported by errorOccurred: the close reason, even if it closes first. */
  private Throwable failure;
  private WriterAdapter writer;
  /** Connecting to a name still being resolved: fd is a placeholder kept out of the poll set. */
  boolean resolving;
  private ScmRights scm;
  private int maxFds;
  private int[] fdBuffer;
  private int fdCount;
  /** Files streamed while output is transformed; null until the first. */
  private FileStreamFallback fallback;
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
    this.readsWhileFull = connection instanceof ProcessConnection;
    this.outgoing = connecting;
    this.out = new OutboundBuffer(reactor.io().chunks, reactor.io().fdSender);
    this.state = connecting ? CONNECTING : OPEN;
    this.low = reactor.defaultLowWatermark();
    this.high = reactor.defaultHighWatermark();
    this.lastActivity = reactor.turnNanos();
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
        if (pull) {
          reactor.callbacks().invoke(Callbacks.CONNECTION_READABLE, connection, null);
        } else {
          read();
        }
      } else if ((events & (Poller.HANGUP | Poller.ERROR)) != 0) {
        // Not reading, so the hang-up cannot surface as EOF; level-triggered, it would repeat.
        int errno = reactor.io().sockets.connectError(fd);
        if (errno != 0) {
          fail(Errors.failure("recv", fd, errno));
        } else {
          hangUp();
          close(null);
        }
      }
    }
  }

  private void read() {
    ByteBuffer buffer = reactor.io().readBuffer;
    // Pushed-back bytes go first, in the same buffer as what is read now behind them.
    int kept = pushedBack == null ? 0 : pushedBack.moveTo(buffer);
    long n = kept == buffer.capacity() ? -1 : readSocket(reactor.io().readAddress + kept,
        buffer.capacity() - kept);
    if (state == CLOSED) {
      return;
    }
    if (n > 0 || kept > 0) {
      if (n > 0) {
        touch();
      }
      buffer.clear().limit(kept + (int) Math.max(n, 0));
      if (tls != null) {
        tls.receive(buffer);
      } else {
        receivePlain(buffer);
      }
    }
    if (n == 0 && state != CLOSED) {
      endOfInput();
    }
  }

  /** Input in the clear (as read, or as TLS unwrapped it): to the proxy target or the app. */
  void receivePlain(ByteBuffer data) {
    if (proxyTarget == null) {
      reactor.callbacks().invoke(Callbacks.RECEIVE, connection, data);
    } else if (proxyRemaining < 0) {
      proxyTarget.send(data);
    } else {
      reactor.connector().relayLimited(this, data);
    }
  }

  /**
   * The peer's end of stream (or its TLS close_notify): a TLS stream that ends badly closes with
   * that failure; otherwise hungUp decides (by default, close once the queue is written).
   */
  void endOfInput() {
    Throwable failure = tls == null ? null : tls.endOfStream();
    if (failure != null) {
      inputEnded = true;
      close(failure);
    } else {
      hangUp();
    }
  }

  /** Reads up to {@code length} bytes to {@code address}: the count, 0 at end, -1 if none now. */
  long readSocket(long address, int length) {
    if (scm != null) {
      long n = receiveWithFds(address, length);
      return state == CLOSED ? -1 : n;
    }
    long n = socket ? Sockets.receive(fd, address, length) : Io.read(fd, address, length);
    if (n < 0) {
      if (n != -Linux.EAGAIN && n != -Linux.EINTR) {
        inputEnded = n == -Linux.ECONNRESET; // a reset comes after the data sent before it
        fail(Errors.failure(socket ? "recv" : "read", fd, (int) -n));
      }
      return -1;
    }
    return n;
  }

  /** The peer's end of stream: no more reading; hungUp decides (by default, close once written). */
  void hangUp() {
    inputEnded = true;
    updateInterest();
    reactor.callbacks().invoke(Callbacks.HUNG_UP, connection, null);
  }

  /** Errors of an open connection: errorOccurred, then the close, whatever it did. */
  private void fail(Throwable error) {
    if (state == CLOSED) {
      return;
    }
    if (failure == null) {
      failure = error;
      state = CLOSING; // what errorOccurred sends is dropped: the socket is broken
      reactor.callbacks().invoke(Callbacks.ERROR_OCCURRED, connection, error);
    }
    close(error);
  }

  void setPull(boolean on) {
    refuseOnTls("setPullReading");
    pull = on;
  }

  /** Pull reading, pushed-back input and a writer see the socket's bytes: ciphertext under TLS. */
  private void refuseOnTls(String what) {
    if (tls != null) {
      throw new IllegalStateException(what + " on a TLS connection (expected: a connection"
          + " without TLS; these work on the socket's bytes, which TLS encrypts)");
    }
  }

  boolean pull() {
    return pull;
  }

  void pushBack(ByteBuffer data) {
    refuseOnTls("pushBackRead");
    if (pushedBack == null) {
      pushedBack = new PushedBack();
    }
    pushedBack.push(data);
  }

  void setWriter(SocketWriter w) {
    refuseOnTls("setWriter");
    writer = w == null ? null : new WriterAdapter(this, w, socket);
    out.setWriter(writer);
  }

  boolean inputEnded() {
    return inputEnded;
  }

  boolean connecting() {
    return state == CONNECTING;
  }

  /** recvmsg with a control buffer; hands received fds to the connection first. -1: no data. */
  private long receiveWithFds(long address, int length) {
    long n;
    fdCount = 0;
    try {
      n = scm.receive(fd, address, length, fdSink);
    } catch (NativeCallException e) { // a reset or another read error: the close says which
      inputEnded = e.errno() == Linux.ECONNRESET; // a reset comes after the data sent before it
      fail(e);
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
      reactor.callbacks().invoke(Callbacks.FDS, connection, fds);
    }
    return n;
  }

  void receiveFds(int maxPerMessage) {
    refuseOnTls("enableFileDescriptorReceiving");
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

  /** {@link #send} not held behind a streamed file (the fallback's way to pass chunks on). */
  boolean sendNow(ByteBuffer data) {
    if (tls != null && state != CLOSED) {
      return tls.send(data);
    }
    return sendRaw(data);
  }

  /** Whether the connection takes data to send (open, or connecting without a close pending). */
  private boolean accepting() {
    return state == OPEN || (state == CONNECTING && !closeWhenConnected);
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
    if (transformsOutput() || (fallback != null && fallback.holding())) {
      // (Also while the fallback holds data: a file must not overtake it by sendfile.)
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

  /** Bytes pushed back and not delivered yet. */
  private int pushedBack() {
    return pushedBack == null ? 0 : pushedBack.size();
  }

  /** Whether the queue (TLS's early data included) is at or below the low watermark. */
  boolean belowLowWatermark() {
    return queuedWeight() <= low;
  }

  /** What the watermarks weigh of the queue, with the data TLS holds until its handshake. */
  private long queuedWeight() {
    return out.weight() + (tls == null ? 0 : tls.earlyBytes());
  }

  /**
   * Whether bytes sent are transformed on their way to the fd (TLS, or the application's writer),
   * so that a file cannot go by sendfile(2) and must pass through {@link #sendNow}.
   */
  boolean transformsOutput() {
    return tls != null || writer != null;
  }

  /** Writes {@code data} as it is (TLS's records, or anything without TLS). */
  boolean sendRaw(ByteBuffer data) {
    if (!accepting()) {
      return false;
    }
    boolean wrote = false;
    if (state == OPEN && out.isEmpty() && data.isDirect() && data.hasRemaining()
        && writer == null) {
      wrote = true;
      long address = reactor.io().address(data);
      address += data.position();
      long n = socket ? Sockets.send(fd, address, data.remaining())
          : Io.write(fd, address, data.remaining());
      if (n < 0) {
        if (n != -Linux.EAGAIN && n != -Linux.EINTR) {
          fail(Errors.failure(socket ? "send" : "write", fd, (int) -n));
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
    if (tls != null) {
      throw new IllegalStateException("sendFileDescriptors on a TLS connection (expected: fds"
          + " over an AF_UNIX socket in the clear)");
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
        fail(Errors.failure("sendmsg", fd, -sent));
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
    if (state == CLOSED || tls != null && tls.queueCallback(callback)) {
      return false;
    }
    return writeCallbackRaw(callback);
  }

  /** Runs {@code callback} once the bytes queued so far are written. */
  boolean writeCallbackRaw(Runnable callback) {
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
      Throwable failure = writer == null ? null : writer.takeFailure();
      fail(failure != null ? failure : Errors.failure(
          out.sendingFile() ? "sendfile" : socket ? "send" : "write", fd, -result));
      return;
    }
    if (result == OutboundBuffer.TRUNCATED) {
      close(out.truncation());
      return;
    }
    if (out.bytes() != before) {
      touch();
    }
    outboundChanged(); // which passes on more of a file streamed through the fallback
    if (fallback != null && (state == CLOSED || !out.isEmpty() || fallback.holding())) {
      return;
    }
    if (result == OutboundBuffer.EMPTY && hadData) {
      if (state == CLOSING) {
        close(null);
        return;
      }
      if (tls == null || tls.handshaken()) { // handshake flights are not the app's data
        reactor.callbacks().invoke(Callbacks.DRAINED, connection, null);
      }
    }
  }

  /**
   * Re-evaluates the watermarks and the poll interest after the queue changed. With TLS the
   * queue holds records, so the watermarks count ciphertext, plus the plaintext that waits for
   * the handshake to complete; a file streamed through the fallback counts its unsent bytes.
   */
  void outboundChanged() {
    if (fallback != null && fallback.holding() && belowLowWatermark()) {
      // Not only after a flush: a direct write or TLS's handshake may have emptied the queue.
      fallback.pump();
    }
    long bytes = queuedWeight() + (fallback != null ? fallback.bytes() : 0);
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
    if (state == CLOSED || resolving) {
      return;
    }
    // A TLS handshake reads whatever the queue holds: the data waiting in it waits for the
    // handshake, which needs the peer's records (else a big early send would stall both).
    boolean handshaking = tls != null && !tls.handshaken();
    boolean reading = state == OPEN && !paused && !inputEnded && (handshaking
        || (!full || readsWhileFull) && (fallback == null || !fallback.closeWhenDone)
            && (proxyTarget == null || !proxyTarget.full));
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
    if (pendingConnect != null) {
      pendingConnect.cancel();
      pendingConnect = null;
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
    if (tls != null) {
      tls.receive(data);
    } else {
      reactor.callbacks().invoke(Callbacks.RECEIVE, connection, data);
    }
  }

  void closeAfterWriting() {
    if (state == CLOSED || state == CLOSING) {
      return;
    }
    if (fallback != null && fallback.holding()) {
      fallback.closeWhenDone = true; // held data first: the fallback closes after it
      updateInterest();
      return;
    }
    if (tls != null && !tls.closeAfterWriting()) {
      return; // the layer closes once the handshake let it say close_notify
    }
    closeAfterWritingRaw();
  }

  /** Closes once the queue is written (with TLS, close_notify is queued already). */
  void closeAfterWritingRaw() {
    if (state == CLOSED || state == CLOSING) {
      return;
    }
    if (out.isEmpty()) {
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
        || tls != null || (fallback != null && fallback.holding()) || pushedBack() > 0) {
      // Pushed-back bytes would be lost: the socket no longer holds them.
      throw new IllegalStateException("detach() of fd " + fd + " (expected: an open, connected"
          + " connection with nothing queued or pushed back, no proxy and no TLS; it has "
          + out.bytes() + " bytes queued, " + pushedBack() + " pushed back"
          + (tls != null ? " and TLS" : "")
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
    closeReason = reason != null ? reason : failure;
    pushedBack = null;
    if (pendingConnect != null) {
      pendingConnect.cancel();
      pendingConnect = null;
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
    connection.released();
  }

  @Override
  void shutdown() {
    close(null);
  }

  /**
   * Notes traffic for the inactivity timeout and {@link #idleNanos()}. Without a timeout it takes
   * the turn's time stamp ({@link Reactor#turnNanos()}) instead of reading the clock: one read per
   * turn with traffic, not two per echoed message (System.nanoTime costs 65-100 ns here).
   */
  void touch() {
    lastActivity = inactivityNanos > 0 ? System.nanoTime() : reactor.turnNanos();
  }

  long idleNanos() {
    return Math.max(0, System.nanoTime() - lastActivity);
  }

  void setConnectTimeout(long nanos) {
    connectTimeoutNanos = nanos;
    if (pendingConnect != null) {
      pendingConnect.arm(nanos);
    }
  }

  @Override
  String describe() {
    return "connection " + label();
  }

  /** Class name, fd, local and peer address; looks the addresses up only if open, here. */
  String label() {
    boolean here = reactor.inReactorThread() && !resolving; // a placeholder's are not the peer's
    SocketAddress l = here ? localAddress() : local;
    SocketAddress p = here ? peerAddress() : peer;
    String what = state == CLOSED ? "closed, was fd " : resolving ? "resolving its peer, fd "
        : state == CONNECTING ? "connecting, fd " : "fd ";
    return connection.getClass().getName() + "[" + what + fd + (l == null ? "" : ", local " + l)
        + (p == null ? "" : ", peer " + p) + "]";
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
    return out.bytes() + (tls == null ? 0 : tls.earlyBytes())
        + (fallback != null ? fallback.bytes() : 0);
  }

  boolean outboundEmpty() {
    return out.isEmpty();
  }


  /** See {@link Connection#startTls}. */
  void startTls(TlsOptions options) {
    TlsLayer.start(this, options, outgoing,
        tls != null ? "once per connection; TLS is already on"
        : state == CLOSED ? "an open connection; it is closed"
        : state == CLOSING || closeWhenConnected ? "an open connection; it is closing"
        : scm != null ? "a connection that does not receive fds"
        : pull || pushedBack() > 0 || writer != null
            ? "a connection without pull reading, pushed-back input or a writer (they see the"
                + " encrypted stream)" : null);
  }

  TlsLayer tls() {
    return tls;
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
    if (local == null && state != CLOSED && !resolving) { // not the placeholder's address
      local = reactor.io().sockets.localAddress(fd);
    }
    return local;
  }
}
