// Factories of the Linux platform pieces, used by platform_linux.cc.
#ifndef CLOSEPROBE_AGENT_LINUX_PLATFORM_LINUX_H_
#define CLOSEPROBE_AGENT_LINUX_PLATFORM_LINUX_H_

#include <cstdint>
#include <memory>

#include "agent/fault_injector.h"
#include "agent/platform_info.h"
#include "agent/segment_injector.h"
#include "agent/stack_settings.h"
#include "agent/wire_capture.h"

namespace closeprobe::agent {

std::unique_ptr<PlatformInfo> NewLinuxPlatformInfo();
std::unique_ptr<WireCapture> NewPcapWireCapture();
std::unique_ptr<FaultInjector> NewNftablesFaultInjector();
std::unique_ptr<StackSettings> NewLinuxStackSettings();
std::unique_ptr<SegmentInjector> NewRawSocketInjector();  // null without CAP_NET_RAW

// The packet mark (SO_MARK) of injected segments: the host's own drop rules
// let them pass, so a case may drop its kernel's RSTs and still inject one.
inline constexpr uint32_t kInjectedPacketMark = 0x436c5072;

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_LINUX_PLATFORM_LINUX_H_
