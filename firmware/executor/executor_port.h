/* The port of the executor: what the machine it runs on gives it. A byte
 * pipe to the host, the stack's clock, a lock, and a pool of workers, one
 * per job slot (CPX_WORKERS), each running cpx_run_job for its slot when
 * `start_worker` wakes it.
 *
 * Thread safety: `write` is called from the reader and from workers at
 * once; it must write the whole line before another (one lock). */
#ifndef CLOSEPROBE_EXECUTOR_PORT_H_
#define CLOSEPROBE_EXECUTOR_PORT_H_

#include <stddef.h>
#include <stdint.h>

typedef struct cpx_port {
  void* ctx;
  /* One whole line, '\n' included. */
  void (*write)(void* ctx, const char* line, size_t len);
  /* The stack's clock, µs since boot (what its timers run on). */
  uint64_t (*now_us)(void* ctx);
  void (*sleep_until_us)(void* ctx, uint64_t t);
  /* Guards the executor's job slots; short critical sections only. */
  void (*lock)(void* ctx);
  void (*unlock)(void* ctx);
  /* Wakes the worker of job slot `slot`; it then calls cpx_run_job. */
  void (*start_worker)(void* ctx, int slot);
  /* Resets the machine; called after REBOOT's reply went out. NULL: the
   * port cannot, and REBOOT is not in caps. */
  void (*reboot)(void* ctx);
} cpx_port;

#endif /* CLOSEPROBE_EXECUTOR_PORT_H_ */
