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
 *
 * Prints a human-readable block and one machine line per measurement:
 *   RESULT name=rtt ops=N p50_us=.. p99_us=.. p999_us=..
 *   RESULT name=pipe_batched msgs=N secs=T msgs_per_s=R
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
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FRAME32 32
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

static void reap(pid_t pid) {
  int status;
  if (waitpid(pid, &status, 0) < 0) die("waitpid(..)");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "channel_rtt: child %d ended badly (status 0x%x)\n", (int) pid, status);
    exit(1);
  }
}

static void echo_child(int fd) {
  unsigned char buf[2 + 65535];
  while (read_frame(fd, buf)) {
    size_t len = ((size_t) buf[0] << 8) | buf[1];
    write_all(fd, buf, 2 + len);
  }
}

static void count_child(int fd) {
  static unsigned char buf[1 << 16];
  size_t have = 0;
  uint64_t frames = 0;
  for (;;) {
    ssize_t r = read(fd, buf + have, sizeof buf - have);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("read(..)");
    }
    if (r == 0) break;
    have += (size_t) r;
    size_t pos = 0;
    /* Parse every frame in the buffer, keeping a partial one for the next read. */
    while (have - pos >= 2) {
      size_t len = ((size_t) buf[pos] << 8) | buf[pos + 1];
      if (have - pos < 2 + len) break;
      if (len == 0 || buf[pos + 1 + len] != 0) {
        fprintf(stderr, "channel_rtt: malformed frame at count %llu\n", (unsigned long long) frames);
        exit(1);
      }
      frames++;
      pos += 2 + len;
    }
    memmove(buf, buf + pos, have - pos);
    have -= pos;
  }
  write_all(fd, &frames, sizeof frames);
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
  close(fd);
  free(chunk);
  reap(pid);
  if (frames != sent) {
    fprintf(stderr, "channel_rtt: sent %llu frames, child counted %llu\n",
        (unsigned long long) sent, (unsigned long long) frames);
    exit(1);
  }
  printf("C socketpair pipelined 32-byte frames, %d per write(2)\n", batch);
  printf("  %llu frames in %.2f s: %.0f frames/s (%.1f MB/s)\n", (unsigned long long) frames, secs,
      frames / secs, frames * (double) FRAME32 / secs / 1e6);
  printf("RESULT name=%s msgs=%llu secs=%.3f msgs_per_s=%.0f\n", name, (unsigned long long) frames,
      secs, frames / secs);
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
  fflush(stdout);
  return 0;
}
