/* The LAN9118 Ethernet controller as an lwIP netif (QEMU's model of it on
 * the mps2-an385). Frames are received by a task of its own, woken by the
 * controller's interrupt, and handed to lwIP's tcpip thread. */
#ifndef CLOSEPROBE_FIRMWARE_LAN9118_NETIF_H_
#define CLOSEPROBE_FIRMWARE_LAN9118_NETIF_H_

#include <stdint.h>

#include "lwip/netif.h"

/* netif_add's init function. */
err_t lan9118_netif_init(struct netif* netif);
/* Frames in and out since boot (STATS). */
void lan9118_counters(uint32_t* frames_in, uint32_t* frames_out, uint32_t* drops);

#endif /* CLOSEPROBE_FIRMWARE_LAN9118_NETIF_H_ */
