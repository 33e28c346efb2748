package dev.tether.reactor;

/**
 * Figures for one callback while profiling is on ({@link Reactor#setProfiling(boolean)}).
 *
 * @param callback class of the callback object and the kind of callback, e.g. {@code
 *     "com.example.Echo.receiveData"} or {@code "com.example.Job$$Lambda.timer"}
 * @param calls how many times it ran
 * @param cpuNanos reactor-thread CPU time spent in it
 */
public record CallbackProfile(String callback, long calls, long cpuNanos) {}
