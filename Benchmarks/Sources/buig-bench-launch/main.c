// buig-bench-launch REPORT COMMAND [ARG...]
//
// Runs COMMAND as a child of this small process and writes one line to REPORT:
//   <exit status> <wall seconds> <user seconds> <system seconds> <peak resident KiB>
// (the exit status is 128 + the signal number when a signal ended it).
//
// Why a launcher: on Linux a child's peak resident memory (ru_maxrss) starts from the resident
// size of the process it was forked or spawned from, since the high-water mark survives exec.
// Started straight from the benchmark harness, which holds hundreds of MiB of inputs, every
// child would report at least the harness's size. Forked from this process, it starts from a
// few hundred KiB and reports its own peak.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

static double seconds(struct timeval t) { return (double)t.tv_sec + (double)t.tv_usec * 1e-6; }

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: buig-bench-launch REPORT COMMAND [ARG...]\n");
    return 2;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) {
    perror("buig-bench-launch: fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    fprintf(stderr, "buig-bench-launch: cannot start %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      perror("buig-bench-launch: wait4");
      return 2;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
  FILE *f = fopen(argv[1], "w");
  if (!f) {
    perror("buig-bench-launch: report");
    return 2;
  }
  fprintf(f, "%d %.9f %.6f %.6f %ld\n", code, wall, seconds(ru.ru_utime), seconds(ru.ru_stime),
          ru.ru_maxrss);
  fclose(f);
  return 0;
}
