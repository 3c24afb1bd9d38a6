/* The socket calls of the executor for a stack with BSD-style calls
 * (socket, bind, poll, fcntl ...), shared by the POSIX and lwIP bindings.
 * Each binding folder supplies "bsd_sys.h": the stack's headers, and
 * CPX_NOSIGNAL (the send flag keeping EPIPE from raising SIGPIPE),
 * CPX_POLLRDHUP (0 if the stack has none), CPX_BLOCKING_SEND_FAILS_WHOLE (1
 * where a blocking send that an error ends after queueing part of its data
 * returns -1, 0 where it returns the count queued), cpx_bsd_now_ms() (a monotonic
 * clock) and cpx_bsd_errno() (the calling thread's errno).
 *
 * Deadlines on blocking sockets are kept with poll() before the call, so a
 * call never blocks longer than its wait (the agent's SocketApi contract). */
#ifndef CLOSEPROBE_EXECUTOR_BSD_CALLS_H_
#define CLOSEPROBE_EXECUTOR_BSD_CALLS_H_

#include "executor_stack.h"

/* Fills the socket calls of `s` (socket .. name); the binding fills the rest. */
void cpx_bsd_fill(cpx_stack* s);

#endif /* CLOSEPROBE_EXECUTOR_BSD_CALLS_H_ */
