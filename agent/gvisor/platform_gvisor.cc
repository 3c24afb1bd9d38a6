// NewPlatform() for the gVisor agent (closeprobe-agent-gvisor): the socket
// calls under test go to gVisor's netstack in this process, on a TAP device;
// the gRPC server itself uses the host's kernel sockets.
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "agent/gvisor/gvisor_stack.h"
#include "agent/gvisor/platform_gvisor.h"
#include "agent/platform.h"

ABSL_FLAG(std::string, gvisor_tap, "", "The TAP device gVisor's netstack uses (create it first).");
ABSL_FLAG(std::string, gvisor_address, "", "The netstack's IPv4 address on the TAP link.");
ABSL_FLAG(int, gvisor_prefix_length, 24, "Prefix length of the TAP link.");
ABSL_FLAG(std::string, gvisor_gateway, "", "The netstack's gateway: the TAP's kernel-side address.");

namespace closeprobe::agent {

absl::StatusOr<Platform> NewPlatform(const PlatformOptions& options) {
  GvisorConfig config{absl::GetFlag(FLAGS_gvisor_tap), absl::GetFlag(FLAGS_gvisor_address),
                      absl::GetFlag(FLAGS_gvisor_prefix_length),
                      absl::GetFlag(FLAGS_gvisor_gateway)};
  if (config.tap.empty() || config.address.empty() || config.gateway.empty()) {
    return absl::InvalidArgumentError(
        "the gVisor agent needs --gvisor_tap, --gvisor_address and --gvisor_gateway");
  }
  absl::Status s = StartGvisorStack(config);
  if (!s.ok()) return s;
  Platform p;
  p.sockets = NewGvisorSocketApi();
  p.states = NewGvisorStateObserver();
  p.info = NewGvisorPlatformInfo();
  p.error_name = GvisorErrorName;
  // The stack is this process's own: capture, faults and settings change
  // nothing outside it and need no privilege.
  p.capture = NewFrameWireCapture(GvisorFrameHooks(), FrameKind::kIp,
                                  absl::StrCat("gvisor link endpoint on ", config.tap));
  if (options.allow_faults) p.faults = NewFrameFaultInjector(GvisorFrameHooks(), FrameKind::kIp);
  if (options.allow_settings) p.settings = NewGvisorStackSettings();
  return p;
}

}  // namespace closeprobe::agent
