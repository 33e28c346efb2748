package dev.tether.reactor;

import dev.tether.reactor.internal.Profiler;
import dev.tether.unix.NativeCallException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every application callback for a reactor: one place that routes exceptions to the error
 * handler (or the log) and records profiling figures. Reactor thread only. Dispatch is by an int
 * code, so running a callback allocates nothing.
 */
final class Callbacks {
  static final int POST_INIT = 0;
  static final int RECEIVE = 1;
  static final int COMPLETED = 2;
  static final int UNBIND = 3;
  static final int DRAINED = 4;
  static final int PROXY_TARGET_UNBOUND = 5;
  static final int READABLE = 6;
  static final int WRITABLE = 7;
  static final int WATCH_UNBIND = 8;
  static final int TIMER = 9;
  static final int TASK = 10;
  static final int WRITE_CALLBACK = 11;
  static final int SHUTDOWN_HOOK = 12;
  static final int INIT = 13;
  static final int DEFERRED = 14;
  static final int POST_LOOP = 15;
  static final int FDS = 16;
  static final int DATAGRAM_POST_INIT = 17;
  static final int DATAGRAM_RECEIVE = 18;
  static final int DATAGRAM_DRAINED = 19;
  static final int DATAGRAM_UNBIND = 20;
  static final int SEND_FAILED = 21;
  static final int STDERR = 22;
  static final int PROCESS_EXITED = 23;
  static final int PROCESS_UNBIND = 24;
  static final int SYSTEM_CALLBACK = 25;
  static final int PROXY_COMPLETED = 26;
  static final int CONNECTION_READABLE = 27;
  static final int HUNG_UP = 28;
  static final int ERROR_OCCURRED = 29;
  static final int SSL_HANDSHAKE_COMPLETED = 30;
  static final int SSL_VERIFY_PEER = 31;
  static final int FILE_MODIFIED = 32;
  static final int FILE_MOVED = 33;
  static final int FILE_DELETED = 34;
  static final int FILE_UNBIND = 35;

  private static final String[] NAMES = {
    "postInit", "receiveData", "connectionCompleted", "unbind", "drained", "proxyTargetUnbound",
    "notifyReadable", "notifyWritable", "unbind", "timer", "task", "writeCallback",
    "shutdownHook", "init", "deferCallback", "postLoop", "receiveFileDescriptors",
    "postInit", "receiveData", "drained", "unbind", "sendFailed",
    "receiveStderr", "processExited", "unbind", "systemCallback",
    "proxyCompleted", "notifyReadable", "hungUp", "errorOccurred",
    "sslHandshakeCompleted", "sslVerifyPeer",
    "fileModified", "fileMoved", "fileDeleted", "unbind"
  };


  final Profiler profiler = new Profiler();
  ErrorHandler errorHandler;

  /**
   * Runs callback {@code what} on {@code target} with {@code arg} (the data, fds, error or
   * certificate it takes, else null): profiled, and an exception it throws reported.
   */
  void invoke(int what, Object target, Object arg) {
    test(what, target, arg, true);
  }

  /**
   * As {@link #invoke}, for callbacks that answer (sslVerifyPeer, a post-loop callback): their
   * answer, true for the others, or {@code ifThrown} if the callback threw.
   */
  boolean test(int what, Object target, Object arg, boolean ifThrown) {
    boolean profiling = profiler.isEnabled();
    long cpu = profiling ? profiler.cpuNow() : 0L;
    try {
      return dispatch(what, target, arg);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      failed(t, target, what);
      return ifThrown;
    } finally {
      if (profiling) {
        profiler.record(NAMES[what], target.getClass(), cpu);
      }
    }
  }

  private static boolean dispatch(int what, Object target, Object arg) throws Exception {
    switch (what) {
      case POST_INIT:
        ((Connection) target).postInit();
        return true;
      case RECEIVE:
        ((Connection) target).receiveData((ByteBuffer) arg);
        return true;
      case COMPLETED:
        ((Connection) target).connectionCompleted();
        return true;
      case UNBIND:
        ((Connection) target).unbind();
        return true;
      case DRAINED:
        ((Connection) target).drained();
        return true;
      case PROXY_TARGET_UNBOUND:
        ((Connection) target).proxyTargetUnbound();
        return true;
      case SSL_HANDSHAKE_COMPLETED:
        ((Connection) target).sslHandshakeCompleted();
        return true;
      case READABLE:
        ((Watcher) target).notifyReadable();
        return true;
      case WRITABLE:
        ((Watcher) target).notifyWritable();
        return true;
      case WATCH_UNBIND:
        ((Watcher) target).unbind();
        return true;
      case DATAGRAM_POST_INIT:
        ((DatagramConnection) target).postInit();
        return true;
      case DATAGRAM_RECEIVE:
        ((DatagramConnection) target).receiveData((ByteBuffer) arg);
        return true;
      case DATAGRAM_DRAINED:
        ((DatagramConnection) target).drained();
        return true;
      case DATAGRAM_UNBIND:
        ((DatagramConnection) target).unbind();
        return true;
      case STDERR:
        ((ProcessConnection) target).receiveStderr((ByteBuffer) arg);
        return true;
      case PROCESS_EXITED:
        ((ProcessWatcher) target).processExited();
        return true;
      case PROCESS_UNBIND:
        ((ProcessWatcher) target).unbind();
        return true;
      case PROXY_COMPLETED:
        ((Connection) target).proxyCompleted();
        return true;
      case CONNECTION_READABLE:
        ((Connection) target).notifyReadable();
        return true;
      case HUNG_UP:
        ((Connection) target).hungUp();
        return true;
      case FILE_MODIFIED:
        ((FileWatcher) target).fileModified();
        return true;
      case FILE_MOVED:
        ((FileWatcher) target).fileMoved();
        return true;
      case FILE_DELETED:
        ((FileWatcher) target).fileDeleted();
        return true;
      case FILE_UNBIND:
        ((FileWatcher) target).unbind();
        return true;
      case FDS:
        ((Connection) target).receiveFileDescriptors((int[]) arg);
        return true;
      case ERROR_OCCURRED:
        ((Connection) target).errorOccurred((Throwable) arg);
        return true;
      case SSL_VERIFY_PEER:
        return ((Connection) target).sslVerifyPeer((X509Certificate) arg);
      case POST_LOOP:
        return ((BooleanSupplier) target).getAsBoolean();
      case SEND_FAILED:
        Object[] failure = (Object[]) arg;
        ((DatagramConnection) target).sendFailed((SocketAddress) failure[0],
            (NativeCallException) failure[1]);
        return true;
      default:
        ((Runnable) target).run();
        return true;
    }
  }

  /** Reports a failure of a callback that is not run through {@link #invoke}. */
  void failed(Throwable error, Object target, int what) {
    String callback = target.getClass().getName() + "." + NAMES[what];
    ErrorHandler handler = errorHandler;
    if (handler == null) {
      log().warn("callback {} threw; the reactor goes on", callback, error);
      return;
    }
    try {
      handler.handle(error, callback);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      t.addSuppressed(error);
      log().error("error handler {} threw while handling a failure of {}", handler, callback, t);
    }
  }

  /** Looked up when needed, not in a static field: a worker's start must not wait for logging. */
  private static Logger log() {
    return LoggerFactory.getLogger(Reactor.class);
  }
}
