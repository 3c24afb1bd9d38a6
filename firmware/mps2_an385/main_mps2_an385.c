/* The firmware: the kernel's tasks, lwIP on the LAN9118 (198.18.0.2/24,
 * the Linux peer at .1 behind QEMU's TAP), and the executor speaking cpx/1
 * on UART0: a reader task answers inline verbs and hands socket calls to
 * worker tasks, so a blocked call never blocks the channel. */
#include <errno.h>
#include <string.h>

#include "board_mps2_an385.h"
#include "executor.h"
#include "kernel.h"
#include "lan9118_netif.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "fault_filter_lwip.h"
#include "stack_lwip.h"
#include "uart_cmsdk.h"

#ifndef FW_IP
#define FW_IP "198.18.0.2"
#endif
#ifndef FW_NETMASK
#define FW_NETMASK "255.255.255.0"
#endif
#ifndef FW_GATEWAY
#define FW_GATEWAY "198.18.0.1"
#endif

/* Priorities: the reader outranks the workers, so requests are read while
 * calls run; lwIP's tcpip thread and the Ethernet task outrank both. */
enum { PRIO_IDLE = 0, PRIO_WORKER = 2, PRIO_READER = 3, PRIO_INIT = 5 };

static cpx_executor executor;
static cpx_stack stack;
static struct netif netif;
static k_sem write_mu, slots_mu, rx_ready, wake[CPX_WORKERS];
static uint32_t idle_stack[128], init_stack[2048], reader_stack[2048];
static uint32_t worker_stacks[CPX_WORKERS][2048];

void fw_panic(const char* what) { board_panic(what); }

/* An lwIP assertion: its message and where, on the PANIC line. */
void fw_assert(const char* what, const char* file, int line) {
  static char text[160];
  cpx_out o;
  const char* base = strrchr(file, '/');
  cpx_out_init(&o, text, sizeof(text));
  cpx_put(&o, "lwip_assert ");
  cpx_put(&o, base ? base + 1 : file);
  cpx_put(&o, ":");
  cpx_put_i64(&o, line);
  cpx_put(&o, " ");
  cpx_put(&o, what);
  board_panic(text);
}

uint32_t fw_random(void) {
  static uint32_t x;
  if (x == 0) x = (uint32_t)k_now_us() * 2654435761u | 1u;
  x ^= x << 13; /* xorshift32 */
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

/* ---- the executor's port -------------------------------------------------- */

static void Write(void* ctx, const char* line, size_t len) {
  (void)ctx;
  k_sem_take(&write_mu, K_FOREVER);
  uart_write_bytes(BOARD_UART0_BASE, line, len);
  k_sem_give(&write_mu);
}
static uint64_t NowUs(void* ctx) { (void)ctx; return k_now_us(); }
static void SleepUntilUs(void* ctx, uint64_t t) {
  (void)ctx;
  for (uint64_t now = k_now_us(); now < t; now = k_now_us()) {
    k_sleep_ms((uint32_t)((t - now + 999) / 1000));
  }
}
static void Lock(void* ctx) { (void)ctx; k_sem_take(&slots_mu, K_FOREVER); }
static void Unlock(void* ctx) { (void)ctx; k_sem_give(&slots_mu); }
static void StartWorker(void* ctx, int slot) { (void)ctx; k_sem_give(&wake[slot]); }
static void Reboot(void* ctx) { (void)ctx; board_reset(); }

static const cpx_port kPort = {NULL, Write, NowUs, SleepUntilUs, Lock, Unlock, StartWorker, Reboot};

static void BoardHello(cpx_out* o) {
  char mac[18];
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 6; ++i) {
    mac[3 * i] = hex[netif.hwaddr[i] >> 4];
    mac[3 * i + 1] = hex[netif.hwaddr[i] & 15];
    mac[3 * i + 2] = i == 5 ? '\0' : ':';
  }
  char ip[16];
  ipaddr_ntoa_r(&netif.ip_addr, ip, sizeof(ip));
  cpx_put_kv(o, "board", BOARD_NAME);
  cpx_put_kv(o, "mac", mac);
  cpx_put_kv(o, "ip", ip);
  cpx_put_kv_i64(o, "hz", 1000);
}

static void BoardStats(cpx_out* o) {
  uint32_t in, out, drops;
  lan9118_counters(&in, &out, &drops);
  cpx_put_kv_i64(o, "frames_in", in);
  cpx_put_kv_i64(o, "frames_out", out);
  cpx_put_kv_i64(o, "frames_dropped", drops);
}

/* The interface's address, as the host's topology wants it. */
typedef struct addresses {
  ip4_addr_t ip, mask, gw;
} addresses;

static void SetAddresses(void* arg) {
  addresses* a = (addresses*)arg;
  netif_set_addr(&netif, &a->ip, &a->mask, &a->gw);
}

static int BoardIfconfig(const char* ip_text, int prefix, const char* gw_text) {
  addresses a;
  if (!ip4addr_aton(ip_text, &a.ip) || !ip4addr_aton(gw_text, &a.gw)) return EINVAL;
  ip4_addr_set_u32(&a.mask, prefix == 0 ? 0 : lwip_htonl(0xFFFFFFFFu << (32 - prefix)));
  cpx_lwip_run_in_core(SetAddresses, &a);
  return 0;
}

static const cpx_lwip_board kBoard = {BoardHello, BoardStats, BoardIfconfig};

/* ---- tasks ------------------------------------------------------------------- */

static void Idle(void* arg) {
  (void)arg;
  for (;;) __asm volatile("wfi"); /* else QEMU spends a host core per board */
}

static void Worker(void* arg) {
  const int slot = (int)(intptr_t)arg;
  for (;;) {
    k_sem_take(&wake[slot], K_FOREVER);
    cpx_run_job(&executor, slot);
  }
}

static void OnUartByte(void) { k_sem_give(&rx_ready); }

static void Reader(void* arg) {
  (void)arg;
  char buf[64];
  cpx_announce_boot(&executor);
  uart0_start_rx(OnUartByte);
  for (;;) {
    k_sem_take(&rx_ready, K_FOREVER);
    for (size_t n; (n = uart0_take(buf, sizeof(buf))) > 0;) cpx_feed(&executor, buf, n);
  }
}

static void AddNetif(void* arg) {
  addresses* a = (addresses*)arg;
  if (netif_add(&netif, &a->ip, &a->mask, &a->gw, NULL, lan9118_netif_init, tcpip_input) == NULL) {
    board_panic("no_lan9118");
  }
  cpx_lwip_filter_netif(&netif);  /* FAULT's drop rules sit between lwIP and the MAC */
  netif_set_default(&netif);
  netif_set_up(&netif);
  netif_set_link_up(&netif);
}

static void Init(void* arg) {
  (void)arg;
  tcpip_init(NULL, NULL);
  addresses a;
  ip4addr_aton(FW_IP, &a.ip);
  ip4addr_aton(FW_NETMASK, &a.mask);
  ip4addr_aton(FW_GATEWAY, &a.gw);
  cpx_lwip_run_in_core(AddNetif, &a);
  uart_write_polled(BOARD_UART1_BASE, "closeprobe firmware: lwIP " LWIP_VERSION_STRING " up\n");
  cpx_lwip_stack(&stack, &kBoard);
  cpx_init(&executor, &kPort, &stack);
  for (int i = 0; i < CPX_WORKERS; ++i) {
    k_sem_init(&wake[i], 0);
    k_task_create("worker", Worker, (void*)(intptr_t)i, PRIO_WORKER, worker_stacks[i], 2048);
  }
  k_task_create("reader", Reader, NULL, PRIO_READER, reader_stack, 2048);
  for (;;) k_sleep_ms(1000000); /* tasks never end */
}

int main(void) {
  uart_init_tx(BOARD_UART0_BASE);
  uart_init_tx(BOARD_UART1_BASE);
  k_sem_init(&write_mu, 1);
  k_sem_init(&slots_mu, 1);
  k_sem_init(&rx_ready, 0);
  k_task_create("idle", Idle, NULL, PRIO_IDLE, idle_stack, 128);
  k_task_create("init", Init, NULL, PRIO_INIT, init_stack, 2048);
  k_start();
}
