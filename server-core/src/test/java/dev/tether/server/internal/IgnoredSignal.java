package dev.tether.server.internal;

import dev.tether.unix.internal.Errors;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Test aid: makes this JVM ignore a signal (as {@code nohup} does for SIGHUP) and restores the
 * exact previous {@code sigaction} on close. Only for signals whose JVM handler is not needed
 * while the test runs.
 */
final class IgnoredSignal implements AutoCloseable {
  /** Test-only binding; public because jnr-ffi implements it in another class loader. */
  public interface SigLib {
    int sigaction(int signal, Pointer newAction, Pointer oldAction);
  }

  private static final SigLib LIB = LibraryLoader.create(SigLib.class).load("c");
  private static final long SIG_IGN = 1;

  private final int signal;
  private final Pointer previous = allocateStruct();

  IgnoredSignal(int signal) {
    this.signal = signal;
    Pointer ignore = allocateStruct(); // struct sigaction, zeroed: no flags, empty mask
    ignore.putAddress(0, SIG_IGN);
    if (LIB.sigaction(signal, ignore, previous) != 0) {
      throw Errors.failure("sigaction", signal);
    }
  }

  /** Room for a struct sigaction (152 bytes on x86-64), zeroed. */
  private static Pointer allocateStruct() {
    return Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(LIB), 1024, true);
  }

  @Override
  public void close() {
    if (LIB.sigaction(signal, previous, null) != 0) {
      throw Errors.failure("sigaction", signal);
    }
  }
}
