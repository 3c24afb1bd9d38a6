/* lwIP options every firmware variant shares: what the board and the
 * project's kernel need (memory, threads, the socket API the executor
 * calls). None of them changes TCP's close behaviour; the variants'
 * lwipopts.h set those. */
#ifndef CLOSEPROBE_FIRMWARE_LWIPOPTS_BOARD_H_
#define CLOSEPROBE_FIRMWARE_LWIPOPTS_BOARD_H_

#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 1
#define LWIP_SOCKET 1
#define LWIP_NETCONN 1
/* bsd_calls.c calls socket(), bind() ...: lwIP's compatibility names. */
#define LWIP_COMPAT_SOCKETS 1
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SOCKET_OFFSET 0
#define LWIP_SOCKET_SELECT 0
#define LWIP_SOCKET_POLL 1

/* Memory: lwIP's own heap (no malloc on the board); pools come from it
 * (MEMP_MEM_MALLOC, as Debian's build), so no pool count caps a case. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 4
#define MEM_SIZE (1024 * 1024)
#define MEMP_NUM_NETCONN 32 /* the socket table's size (upstream lwIP) */
#define PBUF_POOL_SIZE 128

/* IPv4 on Ethernet only: the board has one LAN9118 and the cases use IPv4. */
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ICMP 1
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_RAW 0
#define LWIP_IGMP 0
#define LWIP_DHCP 0
#define LWIP_STATS 0
#define LWIP_NETIF_STATUS_CALLBACK 0

/* Threads on the project's kernel (priorities: higher runs first). */
#define TCPIP_THREAD_PRIO 4
#define TCPIP_THREAD_STACKSIZE 8192
#define TCPIP_MBOX_SIZE 128
#define DEFAULT_TCP_RECVMBOX_SIZE 128
#define DEFAULT_ACCEPTMBOX_SIZE 128
#define DEFAULT_UDP_RECVMBOX_SIZE 128
#define DEFAULT_RAW_RECVMBOX_SIZE 128

#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1

#endif /* CLOSEPROBE_FIRMWARE_LWIPOPTS_BOARD_H_ */
