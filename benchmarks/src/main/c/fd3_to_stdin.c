/*
 * fd3_to_stdin: lets the worker benchmark spawn a bare JVM exactly the way Tether spawns a
 * worker (posix_spawn with the socket at fd 3) although a JVM without native code can only reach
 * a socket at fd 0 (System.inheritedChannel). It costs the baseline one extra exec of this small
 * program; the "C responder" row of the table shows that floor.
 *
 *   fd3_to_stdin PROGRAM [ARGS...]   dup2(3, 0), close(3), execvp(PROGRAM, ARGS)
 *   fd3_to_stdin --echo              the floor: reads one frame from fd 3, writes it back, then
 *                                    waits for end of stream and exits 0
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int read_all(int fd, unsigned char *p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    got += (size_t) r;
  }
  return 1;
}

static int echo_one(void) {
  static unsigned char buf[2 + 65535];
  if (!read_all(3, buf, 2)) return 1;
  size_t len = ((size_t) buf[0] << 8) | buf[1];
  if (!read_all(3, buf + 2, len)) return 1;
  if (write(3, buf, 2 + len) != (ssize_t) (2 + len)) return 1;
  while (read(3, buf, sizeof buf) > 0) {
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--echo") == 0) return echo_one();
  if (argc < 2) {
    fprintf(stderr, "usage: fd3_to_stdin PROGRAM [ARGS...] | fd3_to_stdin --echo\n");
    return 2;
  }
  if (dup2(3, 0) < 0 || close(3) < 0) {
    fprintf(stderr, "fd3_to_stdin: dup2(3, 0) failed with error(%d): %s\n", errno, strerror(errno));
    return 1;
  }
  execvp(argv[1], argv + 1);
  fprintf(stderr, "fd3_to_stdin: execvp(%s) failed with error(%d): %s\n", argv[1], errno,
      strerror(errno));
  return 127;
}
