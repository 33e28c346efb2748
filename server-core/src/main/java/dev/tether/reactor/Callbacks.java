package dev.tether.reactor;

import dev.tether.reactor.internal.Profiler;
import java.nio.ByteBuffer;
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

  /** Runs callback {@code what} on {@code target}; {@code data}: RECEIVE and STDERR only. */
  void invoke(int what, Object target, ByteBuffer data) {
    boolean profiling = profiler.isEnabled();
    long cpu = profiling ? profiler.cpuNow() : 0L;
    try {
      dispatch(what, target, data);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      failed(t, target, what);
    } finally {
      if (profiling) {
        profiler.record(NAMES[what], target.getClass(), cpu);
      }
    }
  }

  /** Runs {@code receiveFileDescriptors}; the fds are the connection's from the call on. */
  void invokeFds(Connection connection, int[] fds) {
    boolean profiling = profiler.isEnabled();
    long cpu = profiling ? profiler.cpuNow() : 0L;
    try {
      connection.receiveFileDescriptors(fds);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      failed(t, connection, FDS);
    } finally {
      if (profiling) {
        profiler.record(NAMES[FDS], connection.getClass(), cpu);
      }
    }
  }

  /** Runs {@code errorOccurred(error)} on {@code connection}. */
  void invokeError(Connection connection, Throwable error) {
    boolean profiling = profiler.isEnabled();
    long cpu = profiling ? profiler.cpuNow() : 0L;
    try {
      connection.errorOccurred(error);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      failed(t, connection, ERROR_OCCURRED);
    } finally {
      if (profiling) {
        profiler.record(NAMES[ERROR_OCCURRED], connection.getClass(), cpu);
      }
    }
  }

  /** Runs {@code sslVerifyPeer}; a callback that throws rejects the certificate. */
  boolean verifyPeer(Connection connection, java.security.cert.X509Certificate certificate) {
    boolean profiling = profiler.isEnabled();
    long cpu = profiling ? profiler.cpuNow() : 0L;
    try {
      return connection.sslVerifyPeer(certificate);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      failed(t, connection, SSL_VERIFY_PEER);
      return false;
    } finally {
      if (profiling) {
        profiler.record(NAMES[SSL_VERIFY_PEER], connection.getClass(), cpu);
      }
    }
  }

  /** Runs a post-loop callback; returns its answer, true if it threw (the loop goes on). */
  boolean keepRunning(BooleanSupplier postLoop) {
    boolean profiling = profiler.isEnabled();
    long cpu = profiling ? profiler.cpuNow() : 0L;
    try {
      return postLoop.getAsBoolean();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      failed(t, postLoop, POST_LOOP);
      return true;
    } finally {
      if (profiling) {
        profiler.record(NAMES[POST_LOOP], postLoop.getClass(), cpu);
      }
    }
  }

  private static void dispatch(int what, Object target, ByteBuffer data) throws Exception {
    switch (what) {
      case POST_INIT:
        ((Connection) target).postInit();
        break;
      case RECEIVE:
        ((Connection) target).receiveData(data);
        break;
      case COMPLETED:
        ((Connection) target).connectionCompleted();
        break;
      case UNBIND:
        ((Connection) target).unbind();
        break;
      case DRAINED:
        ((Connection) target).drained();
        break;
      case PROXY_TARGET_UNBOUND:
        ((Connection) target).proxyTargetUnbound();
        break;
      case SSL_HANDSHAKE_COMPLETED:
        ((Connection) target).sslHandshakeCompleted();
        break;
      case READABLE:
        ((Watcher) target).notifyReadable();
        break;
      case WRITABLE:
        ((Watcher) target).notifyWritable();
        break;
      case WATCH_UNBIND:
        ((Watcher) target).unbind();
        break;
      case DATAGRAM_POST_INIT:
        ((DatagramConnection) target).postInit();
        break;
      case DATAGRAM_RECEIVE:
        ((DatagramConnection) target).receiveData(data);
        break;
      case DATAGRAM_DRAINED:
        ((DatagramConnection) target).drained();
        break;
      case DATAGRAM_UNBIND:
        ((DatagramConnection) target).unbind();
        break;
      case STDERR:
        ((ProcessConnection) target).receiveStderr(data);
        break;
      case PROCESS_EXITED:
        ((ProcessWatcher) target).processExited();
        break;
      case PROCESS_UNBIND:
        ((ProcessWatcher) target).unbind();
        break;
      case PROXY_COMPLETED:
        ((Connection) target).proxyCompleted();
        break;
      case CONNECTION_READABLE:
        ((Connection) target).notifyReadable();
        break;
      case HUNG_UP:
        ((Connection) target).hungUp();
        break;
      case FILE_MODIFIED:
        ((FileWatcher) target).fileModified();
        break;
      case FILE_MOVED:
        ((FileWatcher) target).fileMoved();
        break;
      case FILE_DELETED:
        ((FileWatcher) target).fileDeleted();
        break;
      case FILE_UNBIND:
        ((FileWatcher) target).unbind();
        break;
      default:
        ((Runnable) target).run();
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
