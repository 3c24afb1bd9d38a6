// Factories of the Linux StateObservers: sock_diag (state_observer_netlink.cc),
// and TCP_INFO with /proc/net/tcp where sock_diag is missing
// (state_observer_tcp_info.cc: gVisor's sentry).
#ifndef CLOSEPROBE_AGENT_LINUX_STATE_OBSERVER_NETLINK_H_
#define CLOSEPROBE_AGENT_LINUX_STATE_OBSERVER_NETLINK_H_

#include <memory>

#include "agent/state_observer.h"

namespace closeprobe::agent {

std::unique_ptr<StateObserver> NewNetlinkStateObserver();
std::unique_ptr<StateObserver> NewTcpInfoStateObserver();
// Whether this kernel answers NETLINK_SOCK_DIAG (not gVisor's sentry).
bool HasSockDiag();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_LINUX_STATE_OBSERVER_NETLINK_H_
