// Factories of the Linux platform pieces, used by platform_linux.cc.
#ifndef CLOSEPROBE_AGENT_LINUX_PLATFORM_LINUX_H_
#define CLOSEPROBE_AGENT_LINUX_PLATFORM_LINUX_H_

#include <memory>

#include "agent/platform_info.h"

namespace closeprobe::agent {

std::unique_ptr<PlatformInfo> NewLinuxPlatformInfo();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_LINUX_PLATFORM_LINUX_H_
