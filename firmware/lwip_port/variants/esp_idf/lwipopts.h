/* The "lwip-firmware-esp-idf" column: lwIP's switches that shape TCP and
 * the socket API set to ESP-IDF's documented defaults, on the same
 * unpatched lwIP 2.1.3 core. Sources, per value:
 *   [K] ESP-IDF components/lwip/Kconfig (the source of ESP-IDF's
 *       "Configuration Options Reference", menuconfig's defaults), read at
 *       espressif/esp-idf commit 199d416bc5609d31b0c4c49233a9c8a8d3750877;
 *   [L] ESP-IDF's port lwipopts.h (components/lwip/port/include/
 *       lwipopts.h at the same commit), which sets the values that are
 *       not menuconfig options and maps the others.
 * Not reproduced: esp-lwip's own patches (e.g. CONFIG_LWIP_TCP_RTO_TIME
 * 1500 [K] needs esp-lwip's LWIP_TCP_RTO_TIME; upstream's initial RTO is
 * 3 s), so this column shows ESP-IDF's options, not esp-lwip's code. */
#ifndef CLOSEPROBE_FIRMWARE_LWIPOPTS_H_
#define CLOSEPROBE_FIRMWARE_LWIPOPTS_H_

#include "lwipopts_board.h"

#define CPX_LWIPOPTS_VARIANT "esp-idf"
/* ESP-IDF's FreeRTOS queues hold as many messages as lwIP asks for. */
#define CPX_MBOX_HONOURS_SIZE 1

#define TCP_MSL 60000                 /* [K] LWIP_TCP_MSL default 60000 */
#define TCP_FIN_WAIT_TIMEOUT 20000    /* [K] LWIP_TCP_FIN_WAIT_TIMEOUT default 20000 */
#define TCP_MAXRTX 12                 /* [K] LWIP_TCP_MAXRTX default 12 */
#define TCP_SYNMAXRTX 12              /* [K] LWIP_TCP_SYNMAXRTX default 12 (high-speed retransmission y) */
#define TCP_MSS 1440                  /* [K] LWIP_TCP_MSS default 1440 */
#define TCP_SND_BUF 5760              /* [K] LWIP_TCP_SND_BUF_DEFAULT default 5760 */
#define TCP_WND 5760                  /* [K] LWIP_TCP_WND_DEFAULT default 5760 */
#define TCP_TMR_INTERVAL 250          /* [K] LWIP_TCP_TMR_INTERVAL default 250 */
#define TCP_QUEUE_OOSEQ 1             /* [K] LWIP_TCP_QUEUE_OOSEQ default y */
#define TCP_OOSEQ_MAX_PBUFS 4         /* [K] LWIP_TCP_OOSEQ_MAX_PBUFS default 4 (no SPIRAM); [L] */
#define IP_DEFAULT_TTL 64             /* [K] LWIP_IP_DEFAULT_TTL default 64; [L] */
#define TCP_OVERSIZE TCP_MSS          /* [K] LWIP_TCP_OVERSIZE default MSS; [L] */
#define TCP_LISTEN_BACKLOG 1          /* [L] */
#define LWIP_WND_SCALE 0              /* [K] LWIP_WND_SCALE default n */

#define LWIP_SO_LINGER 0              /* [K] LWIP_SO_LINGER default n */
#define SO_REUSE 1                    /* [K] LWIP_SO_REUSE default y */
#define SO_REUSE_RXTOALL 1            /* [K] LWIP_SO_REUSE_RXTOALL default y */
#define LWIP_SO_RCVBUF 0              /* [K] LWIP_SO_RCVBUF default n */
#define LWIP_SO_SNDTIMEO 1            /* [L] */
#define LWIP_SO_RCVTIMEO 1            /* [L] */
#define LWIP_TCP_KEEPALIVE 1          /* [L] */
#define LWIP_TCPIP_CORE_LOCKING 0     /* [K] LWIP_TCPIP_CORE_LOCKING default n; [L] */
#define LWIP_NETCONN_FULLDUPLEX 1     /* [L]; lwIP asserts stay on: [K] LWIP_ESP_LWIP_ASSERT default y */
#define LWIP_NETCONN_SEM_PER_THREAD 1 /* [L] */
#define LWIP_NETCONN_THREAD_SEM_GET() sys_arch_netconn_sem_get()
#define LWIP_NETCONN_THREAD_SEM_ALLOC() sys_arch_netconn_sem_alloc()
#define LWIP_NETCONN_THREAD_SEM_FREE() sys_arch_netconn_sem_free()
#define LWIP_NETIF_TX_SINGLE_PBUF 1   /* [L] */
#define ARP_QUEUEING 1                /* [L] */

/* Mailboxes: [K] LWIP_TCP_RECVMBOX_SIZE 6, LWIP_TCP_ACCEPTMBOX_SIZE 6,
 * LWIP_TCPIP_RECVMBOX_SIZE 32, LWIP_UDP_RECVMBOX_SIZE 6; [L] raw 6. */
#undef TCPIP_MBOX_SIZE
#define TCPIP_MBOX_SIZE 32
#undef DEFAULT_TCP_RECVMBOX_SIZE
#define DEFAULT_TCP_RECVMBOX_SIZE 6
#undef DEFAULT_ACCEPTMBOX_SIZE
#define DEFAULT_ACCEPTMBOX_SIZE 6
#undef DEFAULT_UDP_RECVMBOX_SIZE
#define DEFAULT_UDP_RECVMBOX_SIZE 6
#undef DEFAULT_RAW_RECVMBOX_SIZE
#define DEFAULT_RAW_RECVMBOX_SIZE 6
/* The socket table: [K] LWIP_MAX_SOCKETS default 10, which [L] makes
 * MEMP_NUM_NETCONN (lwIP's sockets.c sizes its table by it). The board
 * serves one case at a time (the proxy reboots it between cases), so a
 * device's table is enough. */
#undef MEMP_NUM_NETCONN
#define MEMP_NUM_NETCONN 10

#endif /* CLOSEPROBE_FIRMWARE_LWIPOPTS_H_ */
