/*
 * channel_rtt: the C baseline for Tether's MessageChannel. Two processes (fork) over
 * socketpair(AF_UNIX, SOCK_STREAM), speaking Passenger's message frame: u16 big-endian body
 * length, then NUL-terminated elements.
 *
 *   rtt           one ["ping"] frame (00 05 'p' 'i' 'n' 'g' 00) to the child and back, one at a
 *                 time; latency p50/p99 of the round trip
 *   pipe_batched  32-byte frames (["<29 bytes>"]) one way, BATCH frames per write(2); the child
 *                 parses every frame and reports the count at EOF
 *   pipe_single   the same with one frame per write(2): what a writer without batching pays
 *   pipe_messages what a message layer in C does with the same 32-byte frames: the writer encodes
 *                 every ["count", <23 bytes>] message from its element strings (strlen, memcpy)
 *                 into windows of WINDOW messages, each closed by ["sync"] and written with one
 *                 write(2), WINDOWS_IN_FLIGHT windows ahead of their replies; the child splits
 *                 every frame into its elements, finds the handler by name and calls it (count:
 *                 messages and argument bytes; sync: replies with both sums, which the writer
 *                 checks). The same protocol as Tether's worker benchmark, without allocation.
 *
 * Prints a human-readable block and one machine line per measurement:
 *   RESULT name=rtt ops=N p50_us=.. p99_us=.. p999_us=..
 *   RESULT name=pipe_batched msgs=N secs=T msgs_per_s=R sender_cpu_ns=S receiver_cpu_ns=C
 * where the pipelined rows' *_cpu_ns are the CPU time (user + system, getrusage/wait4) each
 * process spent per message: the writing parent during the run, the reading child in its life.
 * Each measurement runs DURATION_MS after a warm-up of a fifth of that; the child is killed by
 * alarm(2) if the parent ever stops talking, so nothing outlives the run.
 *
 * Usage: channel_rtt [-d DURATION_MS] [-b BATCH]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FRAME32 32
#define WINDOW 1000
#define WINDOWS_IN_FLIGHT 4
#define MAX_ELEMENTS 64
#define HIST_BUCKETS 3840

static uint64_t hist[HIST_BUCKETS];
static uint64_t hist_count;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

/* Same log-linear histogram as echo_load.c: exact below 128 ns, then 64 sub-buckets per octave. */
static int bucket_of(uint64_t v) {
  if (v < 128) return (int) v;
  int msb = 63 - __builtin_clzll(v);
  int shift = msb - 6;
  return 128 + (shift - 1) * 64 + (int) (v >> shift) - 64;
}

static double bucket_mid(int idx) {
  if (idx < 128) return idx;
  int shift = (idx - 128) / 64 + 1;
  uint64_t top = (uint64_t) ((idx - 128) % 64 + 64);
  return (double) (top << shift) + (double) (1ULL << shift) / 2.0;
}

static double percentile_us(double p) {
  uint64_t rank = (uint64_t) (p * (double) hist_count), seen = 0;
  if (rank < 1) rank = 1;
  for (int i = 0; i < HIST_BUCKETS; i++) {
    seen += hist[i];
    if (seen >= rank) return bucket_mid(i) / 1000.0;
  }
  return 0;
}

static void die(const char *what) {
  fprintf(stderr, "channel_rtt: %s failed with error(%d): %s\n", what, errno, strerror(errno));
  exit(1);
}

static void write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      die("write(..)");
    }
    c += w;
    n -= (size_t) w;
  }
}

/* Reads exactly n bytes; returns 0 at EOF before the first byte, exits on EOF inside. */
static int read_all(int fd, void *p, size_t n) {
  char *c = p;
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, c + got, n - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("read(..)");
    }
    if (r == 0) {
      if (got == 0) return 0;
      fprintf(stderr, "channel_rtt: truncated frame: expected %zu bytes, got %zu\n", n, got);
      exit(1);
    }
    got += (size_t) r;
  }
  return 1;
}

/* Reads one whole message frame the way a reader must: header, then exactly the body. */
static int read_frame(int fd, unsigned char *buf) {
  if (!read_all(fd, buf, 2)) return 0;
  size_t len = ((size_t) buf[0] << 8) | buf[1];
  if (len > 0 && !read_all(fd, buf + 2, len)) return 0;
  if (len > 0 && buf[1 + len] != 0) {
    fprintf(stderr, "channel_rtt: frame body does not end in NUL\n");
    exit(1);
  }
  return 1;
}

static pid_t spawn(int sv[2], void (*child)(int fd), int alarm_s) {
  pid_t pid = fork();
  if (pid < 0) die("fork()");
  if (pid == 0) {
    close(sv[0]);
    alarm((unsigned) alarm_s);
    child(sv[1]);
    _exit(0);
  }
  close(sv[1]);
  return pid;
}

static uint64_t cpu_ns(const struct rusage *ru) {
  return ((uint64_t) ru->ru_utime.tv_sec + (uint64_t) ru->ru_stime.tv_sec) * 1000000000ULL
      + ((uint64_t) ru->ru_utime.tv_usec + (uint64_t) ru->ru_stime.tv_usec) * 1000ULL;
}

/* CPU time (user + system) this process has used so far. */
static uint64_t self_cpu_ns(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) die("getrusage(..)");
  return cpu_ns(&ru);
}

/* Waits for the child, which must exit 0; returns the CPU time it used in its life. */
static uint64_t reap(pid_t pid) {
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) die("wait4(..)");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "channel_rtt: child %d ended badly (status 0x%x)\n", (int) pid, status);
    exit(1);
  }
  return cpu_ns(&ru);
}

static void echo_child(int fd) {
  unsigned char buf[2 + 65535];
  while (read_frame(fd, buf)) {
    size_t len = ((size_t) buf[0] << 8) | buf[1];
    write_all(fd, buf, 2 + len);
  }
}

/*
 * Reads fd until EOF and calls on_frame(ctx, body, len) for every whole frame in order: every
 * frame in the buffer is handled after each read, a partial one kept for the next.
 */
static void for_each_frame(int fd, void (*on_frame)(void *, const unsigned char *, size_t),
    void *ctx) {
  static unsigned char buf[2 + 65535];
  size_t have = 0;
  for (;;) {
    ssize_t r = read(fd, buf + have, sizeof buf - have);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("read(..)");
    }
    if (r == 0) break;
    have += (size_t) r;
    size_t pos = 0;
    while (have - pos >= 2) {
      size_t len = ((size_t) buf[pos] << 8) | buf[pos + 1];
      if (have - pos < 2 + len) break;
      on_frame(ctx, buf + pos + 2, len);
      pos += 2 + len;
    }
    memmove(buf, buf + pos, have - pos);
    have -= pos;
  }
}

/* Counts a frame after checking that its body ends in NUL. */
static void count_frame(void *ctx, const unsigned char *body, size_t len) {
  uint64_t *frames = ctx;
  if (len == 0 || body[len - 1] != 0) {
    fprintf(stderr, "channel_rtt: malformed frame at count %llu\n", (unsigned long long) *frames);
    exit(1);
  }
  (*frames)++;
}

static void count_child(int fd) {
  uint64_t frames = 0;
  for_each_frame(fd, count_frame, &frames);
  write_all(fd, &frames, sizeof frames);
}

/* One decoded message: its elements point into the read buffer. */
struct message {
  int n;
  const char *elem[MAX_ELEMENTS];
  size_t len[MAX_ELEMENTS];
};

struct msg_state {
  int fd;
  uint64_t counted, chars;
};

static void on_count(struct msg_state *st, const struct message *m) {
  st->counted++;
  st->chars += m->n > 1 ? m->len[1] : 0;
}

static size_t encode_message(unsigned char *dst, const char *const *elements, int n);

static void on_sync(struct msg_state *st, const struct message *m) {
  (void) m;
  char counted[24], chars[24];
  snprintf(counted, sizeof counted, "%llu", (unsigned long long) st->counted);
  snprintf(chars, sizeof chars, "%llu", (unsigned long long) st->chars);
  const char *reply[] = {counted, chars};
  unsigned char out[64];
  write_all(st->fd, out, encode_message(out, reply, 2));
}

static const struct handler {
  const char *name;
  size_t len;
  void (*handle)(struct msg_state *, const struct message *);
} handlers[] = {{"count", 5, on_count}, {"sync", 4, on_sync}};

/* Splits the body [p, end) of one frame into NUL-terminated elements. */
static void split(const unsigned char *p, const unsigned char *end, struct message *m) {
  m->n = 0;
  while (p < end) {
    const unsigned char *nul = memchr(p, 0, (size_t) (end - p));
    if (!nul || m->n == MAX_ELEMENTS) {
      fprintf(stderr, "channel_rtt: malformed message body\n");
      exit(1);
    }
    m->elem[m->n] = (const char *) p;
    m->len[m->n++] = (size_t) (nul - p);
    p = nul + 1;
  }
}

static void dispatch(struct msg_state *st, const struct message *m) {
  for (size_t h = 0; h < sizeof handlers / sizeof handlers[0]; h++) {
    if (m->n > 0 && m->len[0] == handlers[h].len
        && memcmp(m->elem[0], handlers[h].name, handlers[h].len) == 0) {
      handlers[h].handle(st, m);
      return;
    }
  }
  fprintf(stderr, "channel_rtt: unknown message\n");
  exit(1);
}

/* Splits a frame into its elements and calls its handler. */
static void dispatch_frame(void *ctx, const unsigned char *body, size_t len) {
  struct message m;
  split(body, body + len, &m);
  dispatch(ctx, &m);
}

static void message_child(int fd) {
  struct msg_state st = {fd, 0, 0};
  for_each_frame(fd, dispatch_frame, &st);
}

/* Encodes message frame [elements...] at dst; returns its size. */
static size_t encode_message(unsigned char *dst, const char *const *elements, int n) {
  size_t p = 2;
  for (int i = 0; i < n; i++) {
    size_t len = strlen(elements[i]);
    memcpy(dst + p, elements[i], len);
    p += len;
    dst[p++] = 0;
  }
  dst[0] = (unsigned char) ((p - 2) >> 8);
  dst[1] = (unsigned char) (p - 2);
  return p;
}

/* Reads the reply to the next sync and checks both sums. */
static void check_sync(int fd, uint64_t synced, size_t arg_len) {
  unsigned char buf[2 + 65535];
  struct message m;
  if (!read_frame(fd, buf)) {
    fprintf(stderr, "channel_rtt: no reply to sync\n");
    exit(1);
  }
  split(buf + 2, buf + 2 + (((size_t) buf[0] << 8) | buf[1]), &m);
  if (m.n != 2 || strtoull(m.elem[0], NULL, 10) != synced
      || strtoull(m.elem[1], NULL, 10) != synced * arg_len) {
    fprintf(stderr, "channel_rtt: sync reply does not match %llu messages\n",
        (unsigned long long) synced);
    exit(1);
  }
}

static void run_messages(long duration_ms) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) die("socketpair(..)");
  pid_t pid = spawn(sv, message_child, (int) (duration_ms * 2 / 1000) + 30);
  int fd = sv[0];
  static const char arg[] = "xxxxxxxxxxxxxxxxxxxxxxx"; /* 23 bytes: a 32-byte frame */
  const char *count[] = {"count", arg};
  const char *sync[] = {"sync"};
  static unsigned char window[2 + 65535];
  uint64_t sent = 0, synced = 0;
  int in_flight = 0;
  uint64_t cpu_start = self_cpu_ns();
  uint64_t start = now_ns();
  uint64_t end = start + (uint64_t) duration_ms * 1000000ULL;
  while (now_ns() < end) {
    size_t p = 0;
    for (int i = 0; i < WINDOW; i++) {
      p += encode_message(window + p, count, 2);
    }
    p += encode_message(window + p, sync, 1);
    write_all(fd, window, p);
    sent += WINDOW;
    if (++in_flight == WINDOWS_IN_FLIGHT) {
      synced += WINDOW;
      check_sync(fd, synced, sizeof arg - 1);
      in_flight--;
    }
  }
  for (; in_flight > 0; in_flight--) {
    synced += WINDOW;
    check_sync(fd, synced, sizeof arg - 1);
  }
  double secs = (double) (now_ns() - start) / 1e9;
  double sender_cpu = (double) (self_cpu_ns() - cpu_start) / (double) sent;
  shutdown(fd, SHUT_WR);
  close(fd);
  double receiver_cpu = (double) reap(pid) / (double) sent;
  printf("C message layer: [\"count\", <23 bytes>] encoded, split and dispatched, windows of %d\n",
      WINDOW);
  printf("  %llu messages in %.2f s: %.0f messages/s, CPU %.1f + %.1f ns a message\n",
      (unsigned long long) sent, secs, sent / secs, sender_cpu, receiver_cpu);
  printf("RESULT name=pipe_messages msgs=%llu secs=%.3f msgs_per_s=%.0f sender_cpu_ns=%.2f"
      " receiver_cpu_ns=%.2f\n", (unsigned long long) sent, secs, sent / secs, sender_cpu,
      receiver_cpu);
}

static void run_rtt(long duration_ms) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) die("socketpair(..)");
  pid_t pid = spawn(sv, echo_child, (int) (duration_ms * 2 / 1000) + 30);
  int fd = sv[0];
  static const unsigned char ping[] = {0, 5, 'p', 'i', 'n', 'g', 0};
  unsigned char buf[64];
  uint64_t start = now_ns();
  uint64_t warm_end = start + (uint64_t) duration_ms * 200000ULL;
  uint64_t end = warm_end + (uint64_t) duration_ms * 1000000ULL;
  uint64_t t = start;
  while (t < end) {
    uint64_t sent = t;
    write_all(fd, ping, sizeof ping);
    if (!read_frame(fd, buf) || memcmp(buf, ping, sizeof ping) != 0) {
      fprintf(stderr, "channel_rtt: echo differs from ping\n");
      exit(1);
    }
    t = now_ns();
    if (sent >= warm_end) {
      hist[bucket_of(t - sent)]++;
      hist_count++;
    }
  }
  close(fd);
  reap(pid);
  printf("C socketpair round trip of [\"ping\"] (7 bytes), one at a time\n");
  printf("  %llu round trips: %.0f/s, p50 %.1f us, p99 %.1f us, p99.9 %.1f us\n",
      (unsigned long long) hist_count, hist_count / (duration_ms / 1000.0), percentile_us(0.5),
      percentile_us(0.99), percentile_us(0.999));
  printf("RESULT name=rtt ops=%llu ops_per_s=%.0f p50_us=%.2f p99_us=%.2f p999_us=%.2f\n",
      (unsigned long long) hist_count, hist_count / (duration_ms / 1000.0), percentile_us(0.5),
      percentile_us(0.99), percentile_us(0.999));
}

static void run_pipe(const char *name, long duration_ms, int batch) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) die("socketpair(..)");
  pid_t pid = spawn(sv, count_child, (int) (duration_ms * 2 / 1000) + 30);
  int fd = sv[0];
  unsigned char *chunk = malloc((size_t) batch * FRAME32);
  if (!chunk) die("malloc(..)");
  for (int i = 0; i < batch; i++) {
    unsigned char *f = chunk + (size_t) i * FRAME32;
    f[0] = 0;
    f[1] = FRAME32 - 2;
    memset(f + 2, 'x', FRAME32 - 3);
    f[FRAME32 - 1] = 0;
  }
  uint64_t sent = 0;
  uint64_t cpu_start = self_cpu_ns();
  uint64_t start = now_ns();
  uint64_t end = start + (uint64_t) duration_ms * 1000000ULL;
  while (now_ns() < end) {
    write_all(fd, chunk, (size_t) batch * FRAME32);
    sent += (uint64_t) batch;
  }
  shutdown(fd, SHUT_WR);
  uint64_t frames = 0;
  if (!read_all(fd, &frames, sizeof frames)) {
    fprintf(stderr, "channel_rtt: child sent no count\n");
    exit(1);
  }
  double secs = (double) (now_ns() - start) / 1e9;
  double sender_cpu = (double) (self_cpu_ns() - cpu_start) / (double) sent;
  close(fd);
  free(chunk);
  double receiver_cpu = (double) reap(pid) / (double) sent;
  if (frames != sent) {
    fprintf(stderr, "channel_rtt: sent %llu frames, child counted %llu\n",
        (unsigned long long) sent, (unsigned long long) frames);
    exit(1);
  }
  printf("C socketpair pipelined 32-byte frames, %d per write(2)\n", batch);
  printf("  %llu frames in %.2f s: %.0f frames/s (%.1f MB/s), CPU %.1f + %.1f ns a frame\n",
      (unsigned long long) frames, secs, frames / secs, frames * (double) FRAME32 / secs / 1e6,
      sender_cpu, receiver_cpu);
  printf("RESULT name=%s msgs=%llu secs=%.3f msgs_per_s=%.0f sender_cpu_ns=%.2f"
      " receiver_cpu_ns=%.2f\n", name, (unsigned long long) frames, secs, frames / secs,
      sender_cpu, receiver_cpu);
}

int main(int argc, char **argv) {
  long duration_ms = 2000;
  int batch = 128;
  int opt;
  while ((opt = getopt(argc, argv, "d:b:")) != -1) {
    switch (opt) {
      case 'd': duration_ms = atol(optarg); break;
      case 'b': batch = atoi(optarg); break;
      default:
        fprintf(stderr, "usage: channel_rtt [-d DURATION_MS] [-b BATCH]\n");
        return 1;
    }
  }
  if (duration_ms < 10 || duration_ms > 600000) {
    fprintf(stderr, "channel_rtt: duration_ms : %ld (expected: 10..600000)\n", duration_ms);
    return 1;
  }
  if (batch < 1 || batch > 2048) {
    fprintf(stderr, "channel_rtt: batch : %d (expected: 1..2048)\n", batch);
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);
  run_rtt(duration_ms);
  run_pipe("pipe_batched", duration_ms, batch);
  run_pipe("pipe_single", duration_ms, 1);
  run_messages(duration_ms);
  fflush(stdout);
  return 0;
}
