// The Windows PlatformInfo: Windows version, TcpTimedWaitDelay and the
// keepalive/retransmission registry values when set, hostname.
#ifndef CLOSEPROBE_AGENT_WINDOWS_PLATFORM_INFO_WINDOWS_H_
#define CLOSEPROBE_AGENT_WINDOWS_PLATFORM_INFO_WINDOWS_H_

#include <memory>
#include <string>
#include <vector>

#include "agent/platform_info.h"

namespace closeprobe::agent {

std::unique_ptr<PlatformInfo> NewWindowsPlatformInfo(
    std::vector<std::string> features);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_WINDOWS_PLATFORM_INFO_WINDOWS_H_
