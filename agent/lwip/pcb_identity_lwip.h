// Which lwIP PCB is a socket's connection: lwIP keeps no inode, so a
// connection is known by its local port and its peer's address and port.
// Used by the state observer and the fast-forward clock; callers hold the
// core lock while they walk the PCB lists.
#ifndef CLOSEPROBE_AGENT_LWIP_PCB_IDENTITY_LWIP_H_
#define CLOSEPROBE_AGENT_LWIP_PCB_IDENTITY_LWIP_H_

#include <string>

#include "agent/state_observer.h"

extern "C" {
#include "lwip/ip_addr.h"
#include "lwip/tcp.h"
}

namespace closeprobe::agent {

// Numeric text of an lwIP address; "0.0.0.0" for any.
inline std::string AddressText(const ip_addr_t& a) {
  char buf[IPADDR_STRLEN_MAX] = {};
  ipaddr_ntoa_r(&a, buf, sizeof(buf));
  return ip_addr_isany(&a) ? "0.0.0.0" : buf;
}

// The connection of `id` (a connected socket's: both ports known).
inline bool IsConnectionOf(const tcp_pcb* p, const SocketIdentity& id) {
  return id.local.port != 0 && id.remote.port != 0 && p->local_port == id.local.port &&
         p->remote_port == id.remote.port && AddressText(p->remote_ip) == id.remote.address;
}

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_LWIP_PCB_IDENTITY_LWIP_H_
