// Factories of the Linux platform pieces, used by platform_linux.cc.
#ifndef CLOSEPROBE_AGENT_LINUX_PLATFORM_LINUX_H_
#define CLOSEPROBE_AGENT_LINUX_PLATFORM_LINUX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "agent/fault_injector.h"
#include "agent/platform_info.h"
#include "agent/segment_injector.h"
#include "agent/stack_settings.h"
#include "agent/wire_capture.h"

namespace closeprobe::agent {

// What the Linux agent knows of the gVisor sandbox it runs in, where the
// sentry says "Linux 4.4.0": what runsc its starter said it is.
struct GvisorSandbox {
  std::string runsc_version;   // "0.0~20221219.0", or "" when not told
  std::string runsc_platform;  // "ptrace", "kvm", ...
};

// Whether this process runs on gVisor's sentry: its kernel log opens with
// "Starting gVisor..." (pkg/sentry/syslog/syslog.go).
bool RunsOnGvisorSentry();

// `gvisor`: the agent runs in that sandbox, and says so instead of "linux".
std::unique_ptr<PlatformInfo> NewLinuxPlatformInfo(std::optional<GvisorSandbox> gvisor);
// `interface`: capture there ("" = on the test address's interface).
std::unique_ptr<WireCapture> NewPcapWireCapture(const std::string& interface);
// `bridge`: drop on a bridge's forward hook (the agent serves a wire).
std::unique_ptr<FaultInjector> NewNftablesFaultInjector(bool bridge);
// `gvisor`: a setting the sentry lacks or keeps read-only is not supported
// (Unimplemented), not a bad request.
std::unique_ptr<StackSettings> NewLinuxStackSettings(bool gvisor);
std::unique_ptr<SegmentInjector> NewRawSocketInjector();  // null without CAP_NET_RAW

// The packet mark (SO_MARK) of injected segments: the host's own drop rules
// let them pass, so a case may drop its kernel's RSTs and still inject one.
inline constexpr uint32_t kInjectedPacketMark = 0x436c5072;

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_LINUX_PLATFORM_LINUX_H_
