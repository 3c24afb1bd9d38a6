/* The lwIP side of bsd_calls.c: lwIP's socket API under its compatibility
 * names (LWIP_COMPAT_SOCKETS), newlib's errno (kept per task by the
 * kernel), the kernel's millisecond clock. */
#ifndef CLOSEPROBE_EXECUTOR_LWIP_BSD_SYS_H_
#define CLOSEPROBE_EXECUTOR_LWIP_BSD_SYS_H_

#include <errno.h>
#include <stdint.h>
#include <sys/types.h>

#include "kernel.h"
#include "lwip/inet.h"
#include "lwip/sockets.h"

#define CPX_HAVE_INET6 LWIP_IPV6
#define CPX_NOSIGNAL 0 /* lwIP raises no signal */
#define CPX_POLLRDHUP 0
/* A blocking send ended by an error fails whole, whatever it queued:
 * src/api/api_msg.c err_tcp() fails the waiting write, src/api/sockets.c
 * lwip_send() returns -1. */
#define CPX_BLOCKING_SEND_FAILS_WHOLE 1
/* lwIP's names for the two calls LWIP_COMPAT_SOCKETS leaves to
 * LWIP_POSIX_SOCKETS_IO_NAMES (off: it would rename read/write everywhere). */
#define close(s) lwip_close(s)
#define fcntl(s, cmd, val) lwip_fcntl(s, cmd, val)

static inline int64_t cpx_bsd_now_ms(void) { return (int64_t)k_ticks(); }
static inline int cpx_bsd_errno(void) { return errno; }

#endif /* CLOSEPROBE_EXECUTOR_LWIP_BSD_SYS_H_ */
