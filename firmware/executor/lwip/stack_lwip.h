/* The lwIP binding of the executor: lwIP's sockets, its PCB lists, its
 * build settings, and skipping its coarse TCP timers. */
#ifndef CLOSEPROBE_EXECUTOR_LWIP_STACK_LWIP_H_
#define CLOSEPROBE_EXECUTOR_LWIP_STACK_LWIP_H_

#include "../executor_stack.h"

/* What the board adds: its facts for HELLO (board, mac, ip), its counters
 * for STATS, and its interface's configuration (IFCONFIG). */
typedef struct cpx_lwip_board {
  void (*hello)(cpx_out* o);
  void (*stats)(cpx_out* o);
  int (*ifconfig)(const char* ip, int prefix, const char* gateway);
} cpx_lwip_board;

void cpx_lwip_stack(cpx_stack* s, const cpx_lwip_board* board);

/* Runs fn(arg) where lwIP's core may be touched: under the core lock, or
 * (a build without LWIP_TCPIP_CORE_LOCKING) on the tcpip thread, waiting
 * until it ran. */
void cpx_lwip_run_in_core(void (*fn)(void*), void* arg);

#endif /* CLOSEPROBE_EXECUTOR_LWIP_STACK_LWIP_H_ */
