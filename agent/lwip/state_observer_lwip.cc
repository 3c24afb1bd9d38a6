// TCP states from lwIP's own PCB lists (tcp_active_pcbs, tcp_tw_pcbs,
// tcp_listen_pcbs, tcp_bound_pcbs), walked under the core lock. A closed
// socket's connection lives on in these lists until lwIP frees its PCB.
#include "agent/lwip/lwip_stack.h"
#include "agent/lwip/pcb_identity_lwip.h"
#include "agent/lwip/platform_lwip.h"

#include "absl/status/status.h"

extern "C" {
#include "lwip/ip_addr.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
}

namespace closeprobe::agent {
namespace {

v1::TcpState FromLwip(enum tcp_state s) {
  switch (s) {
    case CLOSED: return v1::TCP_STATE_CLOSED;
    case LISTEN: return v1::TCP_STATE_LISTEN;
    case SYN_SENT: return v1::TCP_STATE_SYN_SENT;
    case SYN_RCVD: return v1::TCP_STATE_SYN_RECEIVED;
    case ESTABLISHED: return v1::TCP_STATE_ESTABLISHED;
    case FIN_WAIT_1: return v1::TCP_STATE_FIN_WAIT_1;
    case FIN_WAIT_2: return v1::TCP_STATE_FIN_WAIT_2;
    case CLOSE_WAIT: return v1::TCP_STATE_CLOSE_WAIT;
    case CLOSING: return v1::TCP_STATE_CLOSING;
    case LAST_ACK: return v1::TCP_STATE_LAST_ACK;
    case TIME_WAIT: return v1::TCP_STATE_TIME_WAIT;
  }
  return v1::TCP_STATE_UNSPECIFIED;
}

ConnectionInfo Describe(const tcp_pcb* pcb, bool listening) {
  ConnectionInfo c;
  c.local = Endpoint{AddressText(pcb->local_ip), pcb->local_port};
  c.state = listening ? v1::TCP_STATE_LISTEN : FromLwip(pcb->state);
  if (listening) return c;
  c.remote = Endpoint{AddressText(pcb->remote_ip), pcb->remote_port};
  if (pcb->state == CLOSED && pcb->remote_port == 0) c.state = v1::TCP_STATE_BOUND;
  c.retransmits = pcb->nrtx;
  // TIME_WAIT lasts 2 x TCP_MSL, counted in slow-timer ticks since pcb->tmr.
  if (pcb->state == TIME_WAIT) {
    const int64_t elapsed = static_cast<int64_t>(tcp_ticks - pcb->tmr) * TCP_SLOW_INTERVAL;
    c.timer_remaining_ms = std::max<int64_t>(0, 2 * TCP_MSL - elapsed);
  }
  c.orphaned = pcb->callback_arg == nullptr;  // no netconn refers to it any more
  return c;
}

template <typename Visit>
void ForEachPcb(Visit visit) {
  CoreLock lock;
  for (const tcp_pcb* p = tcp_active_pcbs; p != nullptr; p = p->next) visit(p, false);
  for (const tcp_pcb* p = tcp_tw_pcbs; p != nullptr; p = p->next) visit(p, false);
  for (const tcp_pcb* p = tcp_bound_pcbs; p != nullptr; p = p->next) visit(p, false);
  for (const tcp_pcb_listen* p = tcp_listen_pcbs.listen_pcbs; p != nullptr; p = p->next) {
    visit(reinterpret_cast<const tcp_pcb*>(p), true);
  }
}

class LwipStateObserver final : public AddressedStateObserver {
 public:
  absl::StatusOr<std::vector<ConnectionInfo>> ConnectionsOnPort(uint16_t port) override {
    std::vector<ConnectionInfo> out;
    ForEachPcb([&](const tcp_pcb* p, bool listening) {
      if (p->local_port == port || (!listening && p->remote_port == port)) {
        out.push_back(Describe(p, listening));
      }
    });
    return out;
  }
};

}  // namespace

std::unique_ptr<StateObserver> NewLwipStateObserver() {
  return std::make_unique<LwipStateObserver>();
}

}  // namespace closeprobe::agent
