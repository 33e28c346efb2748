package dev.tether.benchmarks.worker;

import dev.tether.unix.jnr.EpollCalls;
import dev.tether.unix.jnr.Libc;

/**
 * Per-call cost of a jnr-ffi binding on the reactor's hot path, to compare
 * {@code -Djnr.ffi.asm.enabled=false} (reflection-free but generic invokers) with the default
 * generated ASM stubs: {@code epoll_wait(epfd, buf, 16, 0)} on an empty epoll set (a real
 * syscall that returns at once, as the reactor's loop makes it), timed over a few million calls
 * after a warm-up. Prints one line: ns per call.
 */
public final class JnrCallCost {
  private JnrCallCost() {}

  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    EpollCalls epoll = Libc.epoll();
    int epfd = epoll.epoll_create1(0x80000);
    if (epfd < 0) {
      throw new IllegalStateException("epoll_create1(..) failed with error " + Libc.errno());
    }
    java.nio.ByteBuffer events = java.nio.ByteBuffer.allocateDirect(16 * 12);
    long address = Libc.address(events);
    long sink = 0;
    for (int i = 0; i < calls / 4; i++) { // warm-up: let the JIT compile the call path
      sink += epoll.epoll_wait(epfd, address, 16, 0);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      sink += epoll.epoll_wait(epfd, address, 16, 0);
    }
    double ns = (System.nanoTime() - t0) / (double) calls;
    Libc.files().close(epfd);
    System.out.printf("jnr.ffi.asm.enabled=%s: epoll_wait %.0f ns per call (sink %d)%n",
        System.getProperty("jnr.ffi.asm.enabled", "true"), ns, sink);
  }
}
