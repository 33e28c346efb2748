package dev.tether.reactor;

/**
 * Figures for one callback while profiling is on ({@link Reactor#setProfiling(boolean)}), read
 * with {@code getrusage(RUSAGE_THREAD)} around each call (microsecond resolution).
 *
 * @param callback class of the callback object and the kind of callback, e.g. {@code
 *     "com.example.Echo.receiveData"} or {@code "com.example.Job$$Lambda.timer"}
 * @param calls how many times it ran
 * @param cpuNanos reactor-thread CPU time spent in it: {@code userNanos + systemNanos}
 * @param userNanos the part spent in user mode (Danga::Socket's profiling split)
 * @param systemNanos the part spent in the kernel (system calls: reads, writes, epoll_ctl). The
 *     kernel keeps the sum exact but splits it by tick samples, so the split is an estimate for
 *     a callback that ran only a few times
 */
public record CallbackProfile(String callback, long calls, long cpuNanos, long userNanos,
    long systemNanos) {}
