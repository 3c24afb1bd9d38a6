/* The executor: reads cpx/1 request lines (docs/executor-protocol.md),
 * runs socket calls on workers and everything else inline, and writes the
 * replies. It knows no stack (executor_stack.h) and no machine
 * (executor_port.h).
 *
 * Threading model: one reader feeds bytes with cpx_feed; it validates
 * each request, answers protocol errors and inline verbs itself, and hands
 * socket calls to a free job slot whose worker runs cpx_run_job. Job slots
 * are claimed and released under the port's lock; everything else a slot
 * holds belongs to its worker while it is busy. */
#ifndef CLOSEPROBE_EXECUTOR_H_
#define CLOSEPROBE_EXECUTOR_H_

#include <stddef.h>
#include <stdint.h>

#include "executor_port.h"
#include "executor_stack.h"
#include "executor_text.h"

#ifndef CPX_LINE_MAX
#define CPX_LINE_MAX 16384
#endif
#ifndef CPX_WORKERS
#define CPX_WORKERS 4
#endif
/* The most bytes one RECV answers: its hex must fit a reply line. */
#define CPX_RECV_MAX ((CPX_LINE_MAX - 256) / 2)
#define CPX_MAX_TOKENS 8
#define CPX_MAX_CONNS 48

/* One validated socket call. */
typedef struct cpx_call {
  int verb;
  int fd;
  int64_t a, b; /* backlog, wait_ms, max, length, option value(s), on/off */
  int wait_ms;
  int option;
  uint8_t fill; /* SENDFILL's byte */
  unsigned bits; /* flags, events or how */
  cpx_addr addr;
  const uint8_t* data; /* SEND: decoded in place in the slot's line */
  size_t len;
} cpx_call;

typedef struct cpx_job {
  int busy;
  char id[12];
  int scheduled;
  uint64_t start_at_us;
  cpx_call call;
  char line[CPX_LINE_MAX];
  char reply[CPX_LINE_MAX];
  uint8_t data[CPX_RECV_MAX];
} cpx_job;

typedef struct cpx_executor {
  const cpx_port* port;
  const cpx_stack* stack;
  cpx_job jobs[CPX_WORKERS];
  /* The reader's own buffers. */
  char rx[CPX_LINE_MAX];
  size_t rx_len;
  int rx_overflow;
  char reply[CPX_LINE_MAX];
  cpx_conn conns[CPX_MAX_CONNS];
} cpx_executor;

void cpx_init(cpx_executor* ex, const cpx_port* port, const cpx_stack* stack);
/* Announces the executor (the "* BOOT" event). */
void cpx_announce_boot(cpx_executor* ex);
/* Bytes from the host, in any chunks. */
void cpx_feed(cpx_executor* ex, const char* bytes, size_t n);
/* Runs the call in job slot `slot` and writes its reply (on its worker). */
void cpx_run_job(cpx_executor* ex, int slot);

#endif /* CLOSEPROBE_EXECUTOR_H_ */
