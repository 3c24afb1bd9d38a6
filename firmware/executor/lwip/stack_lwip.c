/* The lwIP binding (see stack_lwip.h). Connections are read from lwIP's
 * own PCB lists (tcp_active_pcbs, tcp_tw_pcbs, tcp_bound_pcbs,
 * tcp_listen_pcbs) under the core lock, like the lwip agent's state
 * observer: a closed socket's connection lives there until lwIP frees it. */
#include "stack_lwip.h"

#include <string.h>

#include "../bsd_calls.h"
#include "../errno_names.h"
#include "fault_filter_lwip.h"
#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"

static const cpx_lwip_board* the_board;

static const char* StateName(enum tcp_state s) {
  switch (s) {
    case CLOSED: return "BOUND"; /* a PCB in CLOSED is bound or fresh, not gone */
    case LISTEN: return "LISTEN";
    case SYN_SENT: return "SYN_SENT";
    case SYN_RCVD: return "SYN_RECEIVED";
    case ESTABLISHED: return "ESTABLISHED";
    case FIN_WAIT_1: return "FIN_WAIT_1";
    case FIN_WAIT_2: return "FIN_WAIT_2";
    case CLOSE_WAIT: return "CLOSE_WAIT";
    case CLOSING: return "CLOSING";
    case LAST_ACK: return "LAST_ACK";
    case TIME_WAIT: return "TIME_WAIT";
  }
  return "BOUND";
}

static void Addr(const ip_addr_t* ip, u16_t port, cpx_addr* a) {
  memset(a, 0, sizeof(*a));
  ipaddr_ntoa_r(ip, a->ip, sizeof(a->ip));
  a->port = port;
}

/* Adds one PCB if it is on `port` (0: all). */
static int Visit(const struct tcp_pcb* p, int listening, uint16_t port, cpx_conn* out, int max,
                 int n) {
  if (port != 0 && p->local_port != port && (listening || p->remote_port != port)) return n;
  if (n >= max) return n + 1;
  cpx_conn* c = &out[n];
  memset(c, 0, sizeof(*c));
  Addr(&p->local_ip, p->local_port, &c->local);
  c->timer_ms = -1;
  c->rtx = -1;
  if (listening) {
    c->state = "LISTEN";
    strcpy(c->remote.ip, "0.0.0.0");
    return n + 1;
  }
  c->state = StateName(p->state);
  Addr(&p->remote_ip, p->remote_port, &c->remote);
  c->rtx = p->nrtx;
  if (p->state == TIME_WAIT) {
    /* TIME_WAIT lasts 2 x TCP_MSL, counted in slow-timer ticks since pcb->tmr. */
    const int64_t elapsed = (int64_t)(u32_t)(tcp_ticks - p->tmr) * TCP_SLOW_INTERVAL;
    c->timer_ms = 2 * TCP_MSL - elapsed < 0 ? 0 : 2 * TCP_MSL - elapsed;
  }
  c->orphaned = p->callback_arg == NULL; /* no netconn refers to it any more */
  return n + 1;
}

#if !LWIP_TCPIP_CORE_LOCKING
typedef struct core_call {
  void (*fn)(void*);
  void* arg;
  sys_sem_t done;
} core_call;

static void InCore(void* p) {
  core_call* c = (core_call*)p;
  c->fn(c->arg);
  sys_sem_signal(&c->done);
}
#endif

void cpx_lwip_run_in_core(void (*fn)(void*), void* arg) {
#if LWIP_TCPIP_CORE_LOCKING
  LOCK_TCPIP_CORE();
  fn(arg);
  UNLOCK_TCPIP_CORE();
#else
  core_call c;
  c.fn = fn;
  c.arg = arg;
  if (sys_sem_new(&c.done, 0) != ERR_OK) return;
  if (tcpip_callback(InCore, &c) == ERR_OK) sys_arch_sem_wait(&c.done, 0);
  sys_sem_free(&c.done);
#endif
}

typedef struct walk {
  uint16_t port;
  cpx_conn* out;
  int max;
  int n;
} walk;

static void Walk(void* arg) {
  walk* w = (walk*)arg;
  for (const struct tcp_pcb* p = tcp_active_pcbs; p; p = p->next) {
    w->n = Visit(p, 0, w->port, w->out, w->max, w->n);
  }
  for (const struct tcp_pcb* p = tcp_tw_pcbs; p; p = p->next) {
    w->n = Visit(p, 0, w->port, w->out, w->max, w->n);
  }
  for (const struct tcp_pcb* p = tcp_bound_pcbs; p; p = p->next) {
    w->n = Visit(p, 0, w->port, w->out, w->max, w->n);
  }
  for (const struct tcp_pcb_listen* p = tcp_listen_pcbs.listen_pcbs; p; p = p->next) {
    w->n = Visit((const struct tcp_pcb*)p, 1, w->port, w->out, w->max, w->n);
  }
}

static int Connections(uint16_t port, cpx_conn* out, int max) {
  walk w = {port, out, max, 0};
  cpx_lwip_run_in_core(Walk, &w);
  return w.n;
}

/* Skips idle time: lwIP's coarse timers (TIME_WAIT, FIN_WAIT_2, SYN_RCVD
 * and LAST_ACK expiry, keepalive) count slow-timer ticks since pcb->tmr, so
 * moving tcp_ticks ages every connection by that much; retransmission
 * timers (pcb->rtime) are untouched. The next slow timer acts on it. */
static void AddTicks(void* arg) { tcp_ticks += *(u32_t*)arg; }

static int64_t Advance(int64_t ms) {
  u32_t slow_ticks = (u32_t)(ms / TCP_SLOW_INTERVAL);
  cpx_lwip_run_in_core(AddTicks, &slow_ticks);
  return (int64_t)slow_ticks * TCP_SLOW_INTERVAL;
}

#define PUT_OPT(o, name) cpx_put_kv_i64(o, "opt." #name, (int64_t)(name))

static void Hello(cpx_out* o) {
  cpx_put_kv(o, "stack", "lwip");
  cpx_put_kv(o, "stack_version", LWIP_VERSION_STRING);
  cpx_put_kv(o, "os", "closeprobe-kernel");
  cpx_put_kv(o, "clock", "stack");
  cpx_put_kv(o, "opt.variant", CPX_LWIPOPTS_VARIANT);
  PUT_OPT(o, TCP_MSL);
  PUT_OPT(o, TCP_FIN_WAIT_TIMEOUT);
  PUT_OPT(o, TCP_MAXRTX);
  PUT_OPT(o, TCP_SYNMAXRTX);
  PUT_OPT(o, TCP_MSS);
  PUT_OPT(o, TCP_WND);
  PUT_OPT(o, TCP_SND_BUF);
  PUT_OPT(o, TCP_SND_QUEUELEN);
  PUT_OPT(o, TCP_QUEUE_OOSEQ);
  PUT_OPT(o, TCP_TMR_INTERVAL);
  PUT_OPT(o, LWIP_NETCONN_FULLDUPLEX);
  PUT_OPT(o, LWIP_NETCONN_SEM_PER_THREAD);
  PUT_OPT(o, LWIP_SO_LINGER);
  PUT_OPT(o, SO_REUSE);
  PUT_OPT(o, LWIP_TCP_KEEPALIVE);
  PUT_OPT(o, LWIP_TCPIP_CORE_LOCKING);
  PUT_OPT(o, LWIP_SO_RCVBUF);
  PUT_OPT(o, MEMP_NUM_NETCONN);
  the_board->hello(o);
}

void cpx_lwip_stack(cpx_stack* s, const cpx_lwip_board* board) {
  memset(s, 0, sizeof(*s));
  cpx_bsd_fill(s);
  the_board = board;
  s->connections = Connections;
  s->errno_name = cpx_errno_name;
  s->hello = Hello;
  s->stats = board->stats;
  s->ifconfig = board->ifconfig;
  s->advance = Advance;
  s->fault_add = cpx_lwip_fault_add;
  s->fault_remove = cpx_lwip_fault_remove;
}
