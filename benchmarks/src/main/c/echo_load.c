/*
 * echo_load: a closed-loop TCP echo load generator for 127.0.0.0/8 only.
 *
 * Opens CONNS connections; each sends one SIZE-byte message, waits for all SIZE bytes to come
 * back (and checks they are its own bytes), then sends the next. One thread, level-triggered
 * epoll, so on a 2-core box it takes one core and leaves the other to the server.
 * Completions during the first WARMUP_MS are not counted; then it measures for DURATION_MS. It
 * prints "MARK warm_end" and "MARK end" (flushed) as the measured window opens and closes, so a
 * caller can sample the server's CPU time over that window, then one line:
 *
 *   RESULT conns=C size=S msgs=N total=M secs=T rate=R p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=.. errors=E
 *
 * Exit status: 0 on success, 1 on bad arguments or failed set-up (connect refused...), 3 when a
 * connection failed or a server misbehaved during the run (the RESULT line is still printed),
 * 4 when no echo completed for STALL_MS (a hung server).
 *
 * With -t every connection speaks TLS (OpenSSL, no certificate check: the server's cost is
 * what is measured): the handshakes run, blocking, before the clock starts; then each message is
 * one SSL_write and its echo is read with SSL_read until the socket has no more.
 *
 * Built by scripts/bench: gcc -O2 -o target/echo_load src/main/c/echo_load.c, with
 * -DWITH_TLS -lssl -lcrypto when OpenSSL's headers are installed (libssl-dev).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#ifdef WITH_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>
#else
typedef struct ssl_st SSL; /* never made without TLS */
#endif

#define MAX_CONNS 20000
#define MAX_SIZE 4096
#define STALL_MS 5000
#define MAX_REPORTED 10 /* per-connection failures printed; all are counted */

/* Log-linear latency histogram in ns: 128 exact buckets, then 64 sub-buckets per power of two
 * (under 1.6% error), bounded at 3840 buckets whatever the values. */
#define HIST_BUCKETS 3840
static uint64_t hist[HIST_BUCKETS];
static uint64_t hist_count;
static uint64_t hist_max;

static int bucket_of(uint64_t v) {
  if (v < 128) return (int) v;
  int msb = 63 - __builtin_clzll(v);
  int shift = msb - 6;
  int top = (int) (v >> shift); /* 64..127 */
  return 128 + (shift - 1) * 64 + (top - 64);
}

static double bucket_mid(int idx) {
  if (idx < 128) return idx;
  int shift = (idx - 128) / 64 + 1;
  uint64_t top = (uint64_t) ((idx - 128) % 64 + 64);
  return (double) (top << shift) + (double) (1ULL << shift) / 2.0;
}

static void record(uint64_t ns) {
  hist[bucket_of(ns)]++;
  hist_count++;
  if (ns > hist_max) hist_max = ns;
}

static double percentile_us(double p) {
  if (hist_count == 0) return 0;
  uint64_t rank = (uint64_t) (p * (double) hist_count);
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (int i = 0; i < HIST_BUCKETS; i++) {
    seen += hist[i];
    if (seen >= rank) return bucket_mid(i) / 1000.0;
  }
  return (double) hist_max / 1000.0;
}

struct conn {
  int fd;
  SSL *ssl;         /* with -t only */
  int got;          /* bytes of the current echo received so far */
  uint64_t sent_ns; /* when the current message was written */
  unsigned char msg[MAX_SIZE];
};

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

static void usage(const char *why) {
  fprintf(stderr,
      "echo_load: %s\n"
      "usage: echo_load -p PORT [-h 127.0.0.1] [-c CONNS] [-s SIZE] [-w WARMUP_MS] [-d DURATION_MS] [-t]\n",
      why);
  exit(1);
}

/* One read of an echo: read(2), or SSL_read with -1/EAGAIN when TLS needs more input. */
static ssize_t conn_read(struct conn *c, unsigned char *buf, size_t n) {
#ifdef WITH_TLS
  if (c->ssl) {
    int r = SSL_read(c->ssl, buf, (int) n);
    if (r > 0) return r;
    int err = SSL_get_error(c->ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) { errno = EAGAIN; return -1; }
    if (err == SSL_ERROR_ZERO_RETURN) return 0;
    errno = EPROTO;
    return -1;
  }
#endif
  return read(c->fd, buf, n);
}

static ssize_t conn_write(struct conn *c, const unsigned char *buf, size_t n) {
#ifdef WITH_TLS
  if (c->ssl) {
    int r = SSL_write(c->ssl, buf, (int) n);
    return r > 0 ? r : -1;
  }
#endif
  return write(c->fd, buf, n);
}

static long arg_long(const char *name, const char *v, long min, long max) {
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || *end || n < min || n > max) {
    fprintf(stderr, "echo_load: %s : %s (expected: %ld..%ld)\n", name, v, min, max);
    exit(1);
  }
  return n;
}

int main(int argc, char **argv) {
  const char *host = "127.0.0.1";
  long port = -1, conns = 100, size = 64, warmup_ms = 1000, duration_ms = 3000;
  int opt;
  int tls = 0;
  while ((opt = getopt(argc, argv, "h:p:c:s:w:d:t")) != -1) {
    switch (opt) {
      case 'h': host = optarg; break;
      case 'p': port = arg_long("port", optarg, 1, 65535); break;
      case 'c': conns = arg_long("conns", optarg, 1, MAX_CONNS); break;
      case 's': size = arg_long("size", optarg, 1, MAX_SIZE); break;
      case 'w': warmup_ms = arg_long("warmup_ms", optarg, 0, 600000); break;
      case 'd': duration_ms = arg_long("duration_ms", optarg, 1, 600000); break;
      case 't': tls = 1; break;
      default: usage("unknown option");
    }
  }
  if (port < 0) usage("port : missing (expected: -p 1..65535)");
#ifdef WITH_TLS
  SSL_CTX *ctx = NULL;
  if (tls) {
    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) { ERR_print_errors_fp(stderr); return 1; }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  }
#else
  if (tls) usage("-t : this echo_load was built without TLS (expected: gcc -DWITH_TLS -lssl -lcrypto)");
#endif

  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t) port);
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) usage("host is not an IPv4 address");
  /* Load only ever goes to this machine's loopback range. */
  if ((ntohl(addr.sin_addr.s_addr) >> 24) != 127) {
    fprintf(stderr, "echo_load: host : %s (expected: an address in 127.0.0.0/8)\n", host);
    return 1;
  }

  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t) conns + 16) {
    rl.rlim_cur = rl.rlim_max < (rlim_t) conns + 16 ? rl.rlim_max : (rlim_t) conns + 16;
    setrlimit(RLIMIT_NOFILE, &rl);
  }

  struct conn *cs = calloc((size_t) conns, sizeof(struct conn));
  if (!cs) { perror("echo_load: calloc"); return 1; }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) { perror("echo_load: epoll_create1"); return 1; }

  for (long i = 0; i < conns; i++) {
    struct conn *c = &cs[i];
    /* Each connection's bytes differ, so a server that mixes connections up is caught. */
    for (long k = 0; k < size; k++) c->msg[k] = (unsigned char) ('a' + (i * 7 + k) % 26);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0) { perror("echo_load: socket"); return 1; }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
      fprintf(stderr, "echo_load: connect(%s:%ld) #%ld failed with error(%d): %s\n",
          host, port, i, errno, strerror(errno));
      return 1;
    }
#ifdef WITH_TLS
    if (tls) {
      c->ssl = SSL_new(ctx);
      SSL_set_fd(c->ssl, c->fd);
      if (SSL_connect(c->ssl) != 1) {
        fprintf(stderr, "echo_load: TLS handshake #%ld failed: ", i);
        ERR_print_errors_fp(stderr);
        return 1;
      }
    }
#endif
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t) i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) { perror("echo_load: epoll_ctl"); return 1; }
  }

  uint64_t start = now_ns();
  uint64_t warm_end = start + (uint64_t) warmup_ms * 1000000ULL;
  uint64_t end = warm_end + (uint64_t) duration_ms * 1000000ULL;
  uint64_t last_progress = start;
  uint64_t msgs = 0;
  uint64_t total = 0; /* completions including warm-up, for CPU cost per message */
  long errors = 0;
  int stalled = 0;

  for (long i = 0; i < conns; i++) {
    cs[i].sent_ns = now_ns();
    if (conn_write(&cs[i], cs[i].msg, (size_t) size) != size) {
      if (errors < MAX_REPORTED) fprintf(stderr, "echo_load: first write #%ld failed: %s\n", i, strerror(errno));
      errors++;
    }
  }

  struct epoll_event events[1024];
  unsigned char buf[MAX_SIZE * 2];
  int marked = 0;
  if (warmup_ms == 0) {
    puts("MARK warm_end");
    fflush(stdout);
    marked = 1;
  }
  for (;;) {
    int n = epoll_wait(ep, events, 1024, 10);
    uint64_t t = now_ns();
    if (!marked && t >= warm_end) {
      /* Lets the caller sample the server's CPU time over exactly the measured window. */
      puts("MARK warm_end");
      fflush(stdout);
      marked = 1;
    }
    if (t >= end) {
      puts("MARK end");
      fflush(stdout);
      break;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("echo_load: epoll_wait");
      errors++;
      break;
    }
    if (n == 0 && t - last_progress > (uint64_t) STALL_MS * 1000000ULL) {
      fprintf(stderr, "echo_load: no echo completed for %d ms (%ld conns): server hung?\n",
          STALL_MS, conns);
      stalled = 1;
      break;
    }
    for (int e = 0; e < n; e++) {
      struct conn *c = &cs[events[e].data.u64];
      /* TLS may hold a record it read already: read until the socket and TLS have no more. */
      for (int again = 1; again; again = c->ssl != NULL) {
      ssize_t r = conn_read(c, buf, sizeof buf);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
      if (r <= 0) {
        if (errors < MAX_REPORTED) fprintf(stderr, "echo_load: connection #%lu %s\n", (unsigned long) events[e].data.u64,
            r == 0 ? "closed by the server" : strerror(errno));
        errors++;
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        break;
      }
      if (c->got + r > size || memcmp(buf, c->msg + c->got, (size_t) r) != 0) {
        if (errors < MAX_REPORTED) fprintf(stderr, "echo_load: connection #%lu got %zd wrong or extra bytes at offset %d\n",
            (unsigned long) events[e].data.u64, r, c->got);
        errors++;
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        break;
      }
      c->got += (int) r;
      if (c->got < size) continue;
      uint64_t done = now_ns();
      last_progress = done;
      total++;
      if (done >= warm_end && done < end) {
        msgs++;
        /* Only messages sent after warm-up count for latency: the opening burst of CONNS
         * simultaneous writes can overflow loopback's backlog queue and wait out a 1 s RTO. */
        if (c->sent_ns >= warm_end) record(done - c->sent_ns);
      }
      c->got = 0;
      c->sent_ns = done;
      /* Closed loop: the socket holds nothing of ours, so a small write goes through whole. */
      if (conn_write(c, c->msg, (size_t) size) != size) {
        if (errors < MAX_REPORTED) fprintf(stderr, "echo_load: write on #%lu failed: %s\n",
            (unsigned long) events[e].data.u64, strerror(errno));
        errors++;
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        break;
      }
      }
    }
  }

  double secs = (double) duration_ms / 1000.0;
  printf("RESULT conns=%ld size=%ld msgs=%llu total=%llu secs=%.3f rate=%.0f p50_us=%.1f p90_us=%.1f"
         " p99_us=%.1f p999_us=%.1f max_us=%.1f errors=%ld\n",
      conns, size, (unsigned long long) msgs, (unsigned long long) total, secs, (double) msgs / secs, percentile_us(0.50),
      percentile_us(0.90), percentile_us(0.99), percentile_us(0.999), (double) hist_max / 1000.0,
      errors);
  fflush(stdout);
  for (long i = 0; i < conns; i++) {
#ifdef WITH_TLS
    if (cs[i].ssl) SSL_free(cs[i].ssl);
#endif
    close(cs[i].fd);
  }
  close(ep);
  free(cs);
  if (stalled) return 4;
  return errors ? 3 : 0;
}
