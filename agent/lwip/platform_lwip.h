// Factories of the lwIP platform pieces, used by platform_lwip.cc.
#ifndef CLOSEPROBE_AGENT_LWIP_PLATFORM_LWIP_H_
#define CLOSEPROBE_AGENT_LWIP_PLATFORM_LWIP_H_

#include <memory>

#include "agent/platform_info.h"
#include "agent/socket_api.h"
#include "agent/stack_clock.h"
#include "agent/state_observer.h"

namespace closeprobe::agent {

std::unique_ptr<SocketApi> NewLwipSocketApi();
std::unique_ptr<StateObserver> NewLwipStateObserver();
std::unique_ptr<PlatformInfo> NewLwipPlatformInfo();
// lwIP's clock: skips idle time to the timers a WaitState waits for.
std::unique_ptr<StackClock> NewLwipFastForward();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_LWIP_PLATFORM_LWIP_H_
