// NewPlatform() for the lwIP agent (closeprobe-agent-lwip): the socket calls
// under test go to an lwIP stack in this process, on a TAP device; the gRPC
// server itself uses the host's kernel sockets.
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "agent/lwip/lwip_stack.h"
#include "agent/lwip/platform_lwip.h"
#include "agent/platform.h"

ABSL_FLAG(std::string, lwip_tap, "", "The TAP device lwIP uses (create it first).");
ABSL_FLAG(std::string, lwip_address, "", "lwIP's IPv4 address on the TAP link.");
ABSL_FLAG(std::string, lwip_netmask, "255.255.255.0", "Netmask of the TAP link.");
ABSL_FLAG(std::string, lwip_gateway, "", "lwIP's gateway: the TAP's kernel-side address.");
ABSL_FLAG(bool, lwip_fast_forward, true,
          "While a wait_state waits for a timer and nothing else is due, skip lwIP's clock to "
          "its next timer (waits then report lwIP time next to wall time); false: real time.");

namespace closeprobe::agent {

absl::StatusOr<Platform> NewPlatform(const PlatformOptions& options) {
  LwipConfig config{absl::GetFlag(FLAGS_lwip_tap), absl::GetFlag(FLAGS_lwip_address),
                    absl::GetFlag(FLAGS_lwip_netmask), absl::GetFlag(FLAGS_lwip_gateway)};
  if (config.tap.empty() || config.address.empty() || config.gateway.empty()) {
    return absl::InvalidArgumentError("the lwIP agent needs --lwip_tap, --lwip_address and --lwip_gateway");
  }
  absl::Status s = StartLwipStack(config);
  if (!s.ok()) return s;
  Platform p;
  p.sockets = NewLwipSocketApi();
  p.states = NewLwipStateObserver();
  p.info = NewLwipPlatformInfo();
  p.error_name = LwipErrorName;
  // The stack is this process's own: capture and faults need no privilege.
  p.capture = NewFrameWireCapture(LwipFrameHooks(), FrameKind::kEthernet,
                                  absl::StrCat("lwip netif on ", config.tap));
  if (options.allow_faults) p.faults = NewFrameFaultInjector(LwipFrameHooks(), FrameKind::kEthernet);
  if (absl::GetFlag(FLAGS_lwip_fast_forward)) p.clock = NewLwipFastForward();
  return p;
}

}  // namespace closeprobe::agent
