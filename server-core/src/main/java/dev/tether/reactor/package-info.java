/**
 * The reactor: an EventMachine-class event loop for worker processes.
 *
 * <p>One {@link dev.tether.reactor.Reactor} thread serves every fd a worker owns: listening
 * sockets, accepted and connected TCP and Unix connections, TCP fds handed over by the supervisor
 * ({@link dev.tether.reactor.Reactor#attach(int, dev.tether.reactor.Connection)}) and fds the
 * application reads itself ({@link dev.tether.reactor.Watcher}), and one inotify fd for the files
 * it watches ({@link dev.tether.reactor.FileWatcher}). It also runs timers (a binary
 * heap by due time), tasks ({@code nextTick}, {@code schedule}), and the callbacks of blocking
 * work run on a bounded pool ({@code defer}).
 *
 * <h2>Threading contract</h2>
 * Only {@code schedule}, {@code nextTick}, {@code stop} and {@code defer} (plus the read-only
 * {@code isRunning}, {@code inReactorThread}, {@code reactorThread}, {@code threadPoolSize},
 * {@code defersFinished}, and the static process-wide settings {@code setEffectiveUser} and
 * {@code descriptorTableSize}) are safe from other threads.
 * Everything else, on every type of this package, checks that it runs on the reactor thread and
 * throws {@link dev.tether.reactor.ReactorException} otherwise. All callbacks run on the reactor
 * thread; an exception from one goes to the {@link dev.tether.reactor.ErrorHandler}, or is logged
 * with the name of the callback, and the loop goes on.
 *
 * <h2>One turn of the loop</h2>
 * <ol>
 *   <li>{@code epoll_wait} with a timeout of 0 if tasks are queued, else until the earliest timer
 *       (rounded up: timers never fire early), else forever; never longer than the loop timeout
 *       if one is set ({@code setLoopTimeout}), and 0 in a turn run by {@code runOnce};
 *   <li>each ready fd: O(ready), found by its 64-bit token ((generation &lt;&lt; 32) | fd) in an
 *       array indexed by fd, so a stale event for a closed-and-reused fd number is dropped;
 *   <li>due timers; tasks queued before this step (tasks they add wait a turn); the post-loop
 *       callback, which may end the loop.
 * </ol>
 * Other threads wake a blocked {@code epoll_wait} through an eventfd in the poll set, written at
 * most once per turn however many tasks they queue.
 *
 * <h2>The poller: own epoll over raw fds through jnr-ffi</h2>
 * The worker must serve TCP fds that arrive as bare numbers with SCM_RIGHTS and the AF_UNIX
 * channel to the supervisor, which must be read with {@code recvmsg} and a control buffer, in one
 * loop without a thread hop. Three designs were measured on this machine (2 cores; single-threaded
 * echo of 64-byte messages, C load generator, 3 interleaved rounds; CPU per message relative to a
 * C epoll server at 1 / 100 / 1000 connections):
 * <table>
 *   <caption>Measured designs</caption>
 *   <tr><th>design</th><th>CPU vs C</th><th>RSS per idle conn</th><th>start to first echo</th></tr>
 *   <tr><td>A: JDK Selector, fds wrapped by reflection into sun.nio.ch.SocketChannelImpl</td>
 *       <td>1.04 / 0.87 / 1.04</td><td>1.3 KB</td><td>~540 ms</td></tr>
 *   <tr><td>B: own level-triggered epoll via jnr-ffi, buffers by raw address</td>
 *       <td>0.95 / 0.82 / 1.04</td><td>0.1 KB</td><td>~530 ms</td></tr>
 *   <tr><td>C: as B, I/O through jnr-posix with ByteBuffers</td>
 *       <td>0.85 / 1.08 / 1.14</td><td>0.1 KB</td><td>~980 ms</td></tr>
 *   <tr><td>Netty 4.2 epoll (reference)</td><td>1.24 / 1.01 / 1.28</td><td>-</td>
 *       <td>~870 ms</td></tr>
 * </table>
 * This package is design B. It was the steadiest round to round (at 100 connections 8.6 / 8.8 /
 * 7.8 us per message; A: 8.6 / 15.8 / 8.9), needs no JDK internals (A needs {@code --add-opens
 * java.base/sun.nio.ch} and a JDK channel object per connection, and JDK channels have no
 * {@code recvmsg} with a control buffer, so the supervisor channel would need a second I/O
 * stack), and keeps jnr-posix (~450 ms and ~33 MB at start-up, ~110 ns more per read) off the
 * worker's hot path. A jnr-ffi call costs about as much as JNI (10-12 ns) against 1.1-1.3 us for
 * the syscall itself, so the binding is not the bottleneck.
 *
 * <p>Level-triggered, so pausing a connection is just dropping READ interest and a connection
 * that was not drained in one read is reported again next turn (one read per ready fd per turn
 * keeps connections fair). An fd with no interest is taken out of the epoll set, so a hang-up
 * cannot make a level-triggered poll spin. {@code EPOLL_CTL_DEL} runs before every close (epoll
 * watches the open file, and another process may hold a copy). {@code struct epoll_event} is
 * packed to 12 bytes on x86-64 and 16 elsewhere. The poller sits behind a small internal
 * interface so that moving to the JDK 22+ FFM API (jnr prints warnings on JDK 25 and relies on
 * {@code sun.misc.Unsafe}) is one new class.
 *
 * <h2>No allocation per event</h2>
 * One 64 KiB direct read buffer per reactor is lent to {@code receiveData}; data that the socket
 * does not take at once is copied into 16 KiB direct chunks from a per-reactor pool; event,
 * sockaddr and msghdr structs live in direct buffers made once. Errno is saved only by natives
 * whose failure must be classified; the wake-up eventfd calls skip it ({@code @IgnoreError}).
 *
 * <h2>Back pressure</h2>
 * Each connection's outgoing queue has a high and a low watermark (default 256 KiB / 64 KiB):
 * above the high one the connection stops reading its input and reports not writable; at the
 * low one it reads again. A peer that sends but never reads therefore holds the worker's queue
 * for it at most one read (64 KiB) above the high watermark. A proxy's source reads only while
 * its target is below the target's high watermark. A file queued by {@code streamFileData} is a
 * region of the queue (its own fd, sent with sendfile(2)) that weighs its unsent bytes without
 * taking any memory.
 *
 * <h2>Child processes</h2>
 * {@link dev.tether.reactor.Reactor#popen popen} serves a child as a {@link
 * dev.tether.reactor.ProcessConnection} over one AF_UNIX socket (its stdin and stdout; stderr
 * inherited, merged or separate), {@link dev.tether.reactor.Reactor#system system} collects a
 * child's output and status, and {@link dev.tether.reactor.Reactor#watchProcess watchProcess}
 * reports any process's exit. Children start on the workers' spawn path (posix_spawnp, no shell,
 * only fds 0-2, signals reset); each is tracked by a pidfd in the poll set, reaped with {@code
 * waitid(P_PIDFD)} and signalled with {@code pidfd_send_signal}, so no thread waits for it and no
 * reused pid is ever signalled. Needs Linux 5.4 or later.
 */
package dev.tether.reactor;
