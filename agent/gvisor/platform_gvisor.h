// Factories of the gVisor platform pieces, used by platform_gvisor.cc.
#ifndef CLOSEPROBE_AGENT_GVISOR_PLATFORM_GVISOR_H_
#define CLOSEPROBE_AGENT_GVISOR_PLATFORM_GVISOR_H_

#include <memory>

#include "agent/platform_info.h"
#include "agent/socket_api.h"
#include "agent/stack_settings.h"
#include "agent/state_observer.h"

namespace closeprobe::agent {

std::unique_ptr<SocketApi> NewGvisorSocketApi();
std::unique_ptr<StateObserver> NewGvisorStateObserver();
std::unique_ptr<PlatformInfo> NewGvisorPlatformInfo();
std::unique_ptr<StackSettings> NewGvisorStackSettings();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_GVISOR_PLATFORM_GVISOR_H_
