/* Drop rules inside the board's own packet path (FAULT/UNFAULT of the
 * executor protocol): frames between the stack and a peer, by direction,
 * port range and exact TCP flags, as the agents' fault injectors do. The
 * filter sits between lwIP and its netif, so it works whatever the board's
 * MAC is. */
#ifndef CLOSEPROBE_EXECUTOR_LWIP_FAULT_FILTER_LWIP_H_
#define CLOSEPROBE_EXECUTOR_LWIP_FAULT_FILTER_LWIP_H_

#include "../executor_stack.h"
#include "lwip/netif.h"

/* Puts the filter between lwIP and `netif` (after netif_add). */
void cpx_lwip_filter_netif(struct netif* netif);
/* The stack ops: 0, or an errno (ENOSPC: no free rule; ENOENT: no such id). */
int cpx_lwip_fault_add(int id, const cpx_addr* peer, uint16_t first_port, uint16_t last_port,
                       int direction, int flags, int any_flags);
int cpx_lwip_fault_remove(int id);

#endif /* CLOSEPROBE_EXECUTOR_LWIP_FAULT_FILTER_LWIP_H_ */
