// Factory for the Linux StateObserver (state_observer_netlink.cc).
#ifndef CLOSEPROBE_AGENT_LINUX_STATE_OBSERVER_NETLINK_H_
#define CLOSEPROBE_AGENT_LINUX_STATE_OBSERVER_NETLINK_H_

#include <memory>

#include "agent/state_observer.h"

namespace closeprobe::agent {

std::unique_ptr<StateObserver> NewNetlinkStateObserver();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_LINUX_STATE_OBSERVER_NETLINK_H_
