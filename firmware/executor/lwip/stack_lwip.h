/* The lwIP binding of the executor: lwIP's sockets, its PCB lists, its
 * build settings, and skipping its coarse TCP timers. */
#ifndef CLOSEPROBE_EXECUTOR_LWIP_STACK_LWIP_H_
#define CLOSEPROBE_EXECUTOR_LWIP_STACK_LWIP_H_

#include "../executor_stack.h"

/* `board_hello` appends the board's own facts (board, mac, ip). */
void cpx_lwip_stack(cpx_stack* s, void (*board_hello)(cpx_out*), void (*board_stats)(cpx_out*));

#endif /* CLOSEPROBE_EXECUTOR_LWIP_STACK_LWIP_H_ */
