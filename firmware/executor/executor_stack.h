/* The stack binding of the executor: the socket calls of one TCP stack and
 * what the stack can say about its connections. Porting the executor to
 * another stack rewrites only a binding (bsd_calls.c serves any stack with
 * BSD-style calls; a binding adds its connection list and build facts).
 *
 * Thread safety: every call may run on any worker concurrently with others,
 * also on the same fd (the protocol does not serialise calls on a socket).
 * `connections`, `hello`, `stats` and `advance` run on the reader. */
#ifndef CLOSEPROBE_EXECUTOR_STACK_H_
#define CLOSEPROBE_EXECUTOR_STACK_H_

#include <stddef.h>
#include <stdint.h>

#include "executor_text.h"

/* What one call did. `err` is the stack's own errno, 0 on success. */
typedef struct cpx_result {
  int64_t ret;
  int err;
  int timed_out;   /* a blocking call's wait passed; the call was not completed */
  int unsupported; /* the stack has no such call, option or flag */
  /* Not NULL when a call of the executor's own inside this one failed
   * ("poll()"), `err` being its errno: the stack gave no outcome. */
  const char* fault;
} cpx_result;

enum cpx_option {
  CPX_OPT_LINGER,
  CPX_OPT_REUSEADDR,
  CPX_OPT_REUSEPORT,
  CPX_OPT_EXCLUSIVEADDRUSE,
  CPX_OPT_KEEPALIVE,
  CPX_OPT_KEEPIDLE,
  CPX_OPT_KEEPINTVL,
  CPX_OPT_KEEPCNT,
  CPX_OPT_USER_TIMEOUT,
  CPX_OPT_SNDBUF,
  CPX_OPT_RCVBUF,
  CPX_OPT_NODELAY,
  CPX_OPT_ERROR,
};

enum cpx_flag { CPX_FLAG_PEEK = 1, CPX_FLAG_DONTWAIT = 2 };
enum cpx_event {
  CPX_EV_IN = 1,
  CPX_EV_OUT = 2,
  CPX_EV_RDHUP = 4,
  CPX_EV_HUP = 8,
  CPX_EV_ERR = 16,
  CPX_EV_NVAL = 32,
};
enum cpx_how { CPX_SHUT_RD, CPX_SHUT_WR, CPX_SHUT_RDWR };
enum cpx_fault_direction { CPX_FAULT_BOTH, CPX_FAULT_OUT, CPX_FAULT_IN };
/* TCP flags as a drop rule names them (FAULT's flags). */
enum cpx_tcp_flag { CPX_TCP_FIN = 0x01, CPX_TCP_SYN = 0x02, CPX_TCP_RST = 0x04, CPX_TCP_ACK = 0x10 };

/* One connection the stack holds. `state` is an RFC 793 name with '_'
 * (or BOUND); timer_ms and rtx are -1 when unknown. */
typedef struct cpx_conn {
  const char* state;
  cpx_addr local;
  cpx_addr remote;
  int64_t timer_ms;
  int rtx;
  int orphaned;
} cpx_conn;

typedef struct cpx_stack {
  cpx_result (*socket)(int inet6);
  cpx_result (*bind)(int fd, const cpx_addr* local);
  cpx_result (*listen)(int fd, int backlog);
  cpx_result (*accept)(int fd, int wait_ms, cpx_addr* peer);
  cpx_result (*connect)(int fd, const cpx_addr* remote, int wait_ms);
  /* data == NULL: send `len` copies of the byte `fill`. */
  cpx_result (*send)(int fd, const uint8_t* data, size_t len, uint8_t fill, int flags,
                     int wait_ms);
  cpx_result (*recv)(int fd, uint8_t* buf, size_t max, int flags, int wait_ms);
  cpx_result (*shutdown)(int fd, int how);
  cpx_result (*close)(int fd);
  cpx_result (*discard)(int fd);
  /* LINGER: a = on, b = seconds; others: a = value. */
  cpx_result (*setopt)(int fd, int option, int64_t a, int64_t b);
  cpx_result (*getopt)(int fd, int option, int64_t* a, int64_t* b);
  cpx_result (*blocking)(int fd, int on);
  cpx_result (*poll)(int fd, unsigned events, int wait_ms, unsigned* revents);
  cpx_result (*name)(int fd, int peer, cpx_addr* out);

  /* Connections whose local or remote port is `port` (0: all), at most
   * `max` into out; returns how many there are (may exceed max). */
  int (*connections)(uint16_t port, cpx_conn* out, int max);
  /* Portable errno name of a stack errno ("OTHER" if none). */
  const char* (*errno_name)(int err);
  /* Appends " key=value" facts to HELLO: stack, stack_version, os, board,
   * clock, opt.* build settings. */
  void (*hello)(cpx_out* o);
  /* Appends counters to STATS; may be NULL. */
  void (*stats)(cpx_out* o);
  /* Moves the stack's coarse timers forward; returns ms moved. NULL when
   * the stack cannot. */
  int64_t (*advance)(int64_t ms);
  /* Gives the stack's interface its IPv4 address, prefix length and
   * gateway; 0, or the stack's errno. NULL when the host configures it. */
  int (*ifconfig)(const char* ip, int prefix, const char* gateway);
  /* Drop rules in the stack's packet path: segments to/from `peer` with a
   * port in first..last, in `direction`, whose S F R A flags are exactly
   * `flags` (any when any_flags). 0 or an errno. NULL: no FAULT verb. */
  int (*fault_add)(int id, const cpx_addr* peer, uint16_t first_port, uint16_t last_port,
                   int direction, int flags, int any_flags);
  int (*fault_remove)(int id);
} cpx_stack;

#endif /* CLOSEPROBE_EXECUTOR_STACK_H_ */
