/* closeprobe-executor: the executor on a POSIX host (the Linux binding),
 * speaking cpx/1 over stdin/stdout, or over connections to a unix or TCP
 * socket it listens on, one at a time (sockets it opened outlive a
 * connection, as on a device).
 *   closeprobe-executor                       stdin/stdout
 *   closeprobe-executor --listen unix:PATH
 *   closeprobe-executor --listen tcp:HOST:PORT
 * Workers are threads; the stack clock is CLOCK_MONOTONIC. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../executor.h"
#include "stack_linux.h"

static cpx_executor executor;
static cpx_stack stack;
static pthread_mutex_t slots_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER;
static sem_t wake[CPX_WORKERS];
static int out_fd = 1;

static void Write(void* ctx, const char* line, size_t len) {
  (void)ctx;
  pthread_mutex_lock(&write_mu);
  while (len > 0) {
    const ssize_t n = write(out_fd, line, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* the host went away; the reader sees EOF */
    line += n;
    len -= (size_t)n;
  }
  pthread_mutex_unlock(&write_mu);
}

static uint64_t NowUs(void* ctx) {
  (void)ctx;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void SleepUntilUs(void* ctx, uint64_t t) {
  (void)ctx;
  struct timespec ts = {(time_t)(t / 1000000u), (long)(t % 1000000u) * 1000};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
  }
}

static void Lock(void* ctx) { (void)ctx; pthread_mutex_lock(&slots_mu); }
static void Unlock(void* ctx) { (void)ctx; pthread_mutex_unlock(&slots_mu); }
static void StartWorker(void* ctx, int slot) { (void)ctx; sem_post(&wake[slot]); }

static void* Worker(void* arg) {
  const int slot = (int)(intptr_t)arg;
  for (;;) {
    while (sem_wait(&wake[slot]) != 0) {
    }
    cpx_run_job(&executor, slot);
  }
  return NULL;
}

static const cpx_port kPort = {NULL, Write, NowUs, SleepUntilUs, Lock, Unlock, StartWorker, NULL};

static void Serve(int in) {
  char buf[4096];
  for (;;) {
    const ssize_t n = read(in, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    cpx_feed(&executor, buf, (size_t)n);
  }
}

/* A listening socket for "unix:PATH" or "tcp:HOST:PORT"; -1 on error. */
static int Listen(const char* spec) {
  int fd = -1;
  if (strncmp(spec, "unix:", 5) == 0) {
    struct sockaddr_un un;
    memset(&un, 0, sizeof(un));
    un.sun_family = AF_UNIX;
    if (strlen(spec + 5) >= sizeof(un.sun_path)) return -1;
    strcpy(un.sun_path, spec + 5);
    unlink(un.sun_path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr*)&un, sizeof(un)) != 0) return -1;
  } else if (strncmp(spec, "tcp:", 4) == 0) {
    char host[64];
    const char* colon = strrchr(spec + 4, ':');
    if (colon == NULL || (size_t)(colon - spec - 4) >= sizeof(host)) return -1;
    memcpy(host, spec + 4, (size_t)(colon - spec - 4));
    host[colon - spec - 4] = '\0';
    struct sockaddr_in in;
    memset(&in, 0, sizeof(in));
    in.sin_family = AF_INET;
    in.sin_port = htons((uint16_t)atoi(colon + 1));
    if (inet_pton(AF_INET, host, &in.sin_addr) != 1) return -1;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, (struct sockaddr*)&in, sizeof(in)) != 0) return -1;
  } else {
    return -1;
  }
  return listen(fd, 1) == 0 ? fd : -1;
}

int main(int argc, char** argv) {
  const char* listen_spec = NULL;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
      listen_spec = argv[++i];
    } else {
      fprintf(stderr, "usage: %s [--listen unix:PATH|tcp:HOST:PORT]\n", argv[0]);
      return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN); /* a host that hangs up is an EOF, not a death */
  cpx_linux_stack(&stack);
  cpx_init(&executor, &kPort, &stack);
  for (int i = 0; i < CPX_WORKERS; ++i) {
    pthread_t t;
    sem_init(&wake[i], 0, 0);
    if (pthread_create(&t, NULL, Worker, (void*)(intptr_t)i) != 0) return 1;
    pthread_detach(t);
  }
  if (listen_spec == NULL) {
    cpx_announce_boot(&executor);
    Serve(0);
    return 0;
  }
  const int lfd = Listen(listen_spec);
  if (lfd < 0) {
    fprintf(stderr, "closeprobe-executor: cannot listen on %s: %s\n", listen_spec,
            strerror(errno));
    return 1;
  }
  for (int first = 1;; first = 0) {
    const int c = accept(lfd, NULL, NULL);
    if (c < 0) continue;
    pthread_mutex_lock(&write_mu);
    out_fd = c;
    pthread_mutex_unlock(&write_mu);
    if (first) cpx_announce_boot(&executor); /* a later connection finds the same sockets */
    Serve(c);
    pthread_mutex_lock(&write_mu);
    out_fd = -1;
    pthread_mutex_unlock(&write_mu);
    close(c);
  }
}
