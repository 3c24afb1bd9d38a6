/* The POSIX (Linux) side of bsd_calls.c: the kernel's socket calls. */
#ifndef CLOSEPROBE_EXECUTOR_POSIX_BSD_SYS_H_
#define CLOSEPROBE_EXECUTOR_POSIX_BSD_SYS_H_

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CPX_HAVE_INET6 1
#define CPX_NOSIGNAL MSG_NOSIGNAL
/* A blocking send ended by an error returns what it queued
 * (net/ipv4/tcp.c tcp_sendmsg_locked(): `if (copied + copied_syn) goto out`). */
#define CPX_BLOCKING_SEND_FAILS_WHOLE 0
#ifdef POLLRDHUP
#define CPX_POLLRDHUP POLLRDHUP
#else
#define CPX_POLLRDHUP 0
#endif

static inline int64_t cpx_bsd_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int cpx_bsd_errno(void) { return errno; }

#endif /* CLOSEPROBE_EXECUTOR_POSIX_BSD_SYS_H_ */
