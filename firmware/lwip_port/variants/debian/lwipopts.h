/* The "lwip-firmware" column: lwIP's switches that shape TCP and the
 * socket API set as Debian's build sets them (the lwip column's library):
 * /usr/include/lwip/lwipopts.h of liblwip-dev 2.1.3+dfsg1-2, the unix
 * port's file. Everything not named there keeps upstream opt.h's default
 * (TCP_MSL 60000 ms, LWIP_NETCONN_FULLDUPLEX 0, TCP_TMR_INTERVAL 250 ms). */
#ifndef CLOSEPROBE_FIRMWARE_LWIPOPTS_H_
#define CLOSEPROBE_FIRMWARE_LWIPOPTS_H_

#include "lwipopts_board.h"

#define CPX_LWIPOPTS_VARIANT "debian"

#define TCP_MSS 1460
#define TCP_WND 0xFFFF
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 0x1
#define TCP_SND_BUF TCP_WND
#define TCP_SND_QUEUELEN ((4 * (TCP_SND_BUF) + ((TCP_MSS) - 1)) / (TCP_MSS))
#define LWIP_CHECKSUM_ON_COPY 1
#define LWIP_NETIF_TX_SINGLE_PBUF 1
#define ARP_QUEUEING 1
#define ARP_QUEUE_LEN 10

#define LWIP_TCP_KEEPALIVE 1
#define LWIP_SO_SNDTIMEO 1
#define LWIP_SO_RCVTIMEO 1
#define LWIP_SO_RCVBUF 1
#define LWIP_SO_LINGER 1
#define SO_REUSE 1
#define LWIP_NOASSERT_ON_ERROR 1
#define LWIP_TCPIP_CORE_LOCKING 1

#endif /* CLOSEPROBE_FIRMWARE_LWIPOPTS_H_ */
