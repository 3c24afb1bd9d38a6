/* The board's drop rules (see fault_filter_lwip.h). Rules change from the
 * executor's reader while frames pass on the tcpip thread and the Ethernet
 * task: a short interrupt-masked section guards the table. */
#include "fault_filter_lwip.h"

#include <errno.h>
#include <string.h>

#include "lwip/inet.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"

#define MAX_RULES 32
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

typedef struct rule {
  int used, id;
  uint32_t peer; /* network order */
  uint16_t first, last;
  int direction; /* CPX_FAULT_* */
  int flags, any_flags;
} rule;

static rule rules[MAX_RULES];
static netif_input_fn next_input;
static netif_linkoutput_fn next_output;

int cpx_lwip_fault_add(int id, const cpx_addr* peer, uint16_t first_port, uint16_t last_port,
                       int direction, int flags, int any_flags) {
  ip4_addr_t a;
  if (peer->v6 || !ip4addr_aton(peer->ip, &a)) return EAFNOSUPPORT;
  const sys_prot_t p = sys_arch_protect();
  for (int i = 0; i < MAX_RULES; ++i) {
    if (rules[i].used && rules[i].id == id) {
      sys_arch_unprotect(p);
      return EEXIST;
    }
  }
  for (int i = 0; i < MAX_RULES; ++i) {
    if (!rules[i].used) {
      rule r = {1, id, ip4_addr_get_u32(&a), first_port, last_port, direction, flags, any_flags};
      rules[i] = r;
      sys_arch_unprotect(p);
      return 0;
    }
  }
  sys_arch_unprotect(p);
  return ENOSPC;
}

int cpx_lwip_fault_remove(int id) {
  const sys_prot_t p = sys_arch_protect();
  for (int i = 0; i < MAX_RULES; ++i) {
    if (rules[i].used && rules[i].id == id) {
      rules[i].used = 0;
      sys_arch_unprotect(p);
      return 0;
    }
  }
  sys_arch_unprotect(p);
  return ENOENT;
}

/* Whether a frame (Ethernet, IPv4, TCP) matches a rule for this direction. */
static int Drop(struct pbuf* frame, int outgoing) {
  uint8_t h[14 + 60 + 20];
  const u16_t n = pbuf_copy_partial(frame, h, sizeof(h), 0);
  if (n < 14 + 20 || h[12] != 0x08 || h[13] != 0x00 || h[14 + 9] != 6) return 0;
  const int ihl = (h[14] & 0x0F) * 4;
  if (n < 14 + ihl + 14) return 0;
  uint32_t src, dst;
  memcpy(&src, h + 14 + 12, 4);
  memcpy(&dst, h + 14 + 16, 4);
  const uint8_t* tcp = h + 14 + ihl;
  const uint16_t sport = (uint16_t)(tcp[0] << 8 | tcp[1]);
  const uint16_t dport = (uint16_t)(tcp[2] << 8 | tcp[3]);
  const int flags = tcp[13] & (TCP_FIN | TCP_SYN | TCP_RST | TCP_ACK);
  const uint32_t peer = outgoing ? dst : src;
  int drop = 0;
  const sys_prot_t p = sys_arch_protect();
  for (int i = 0; i < MAX_RULES && !drop; ++i) {
    const rule* r = &rules[i];
    if (!r->used || r->peer != peer) continue;
    if ((outgoing && r->direction == CPX_FAULT_IN) || (!outgoing && r->direction == CPX_FAULT_OUT)) {
      continue;
    }
    const int in_range = (sport >= r->first && sport <= r->last) ||
                         (dport >= r->first && dport <= r->last);
    drop = in_range && (r->any_flags || flags == r->flags);
  }
  sys_arch_unprotect(p);
  return drop;
}

static err_t FilteredInput(struct pbuf* p, struct netif* netif) {
  if (Drop(p, 0)) {
    pbuf_free(p);
    return ERR_OK; /* lost on the wire, as far as the stack can tell */
  }
  return next_input(p, netif);
}

static err_t FilteredOutput(struct netif* netif, struct pbuf* p) {
  if (Drop(p, 1)) return ERR_OK;
  return next_output(netif, p);
}

void cpx_lwip_filter_netif(struct netif* netif) {
  next_input = netif->input;
  next_output = netif->linkoutput;
  netif->input = FilteredInput;
  netif->linkoutput = FilteredOutput;
}
