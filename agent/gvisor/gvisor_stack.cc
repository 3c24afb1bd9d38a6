#include "agent/gvisor/gvisor_stack.h"

#include "absl/strings/str_cat.h"
#include "agent/gvisor/netstack/gvisor_abi.h"

namespace closeprobe::agent {
namespace {

GvisorConfig g_config;
FrameHooks g_hooks;

int PassPacket(uint8_t* packet, size_t length, int outgoing) {
  return g_hooks.Pass(packet, length, outgoing != 0) ? 1 : 0;
}

}  // namespace

absl::Status StartGvisorStack(const GvisorConfig& config) {
  char error[256] = {};
  std::string tap = config.tap, address = config.address, gateway = config.gateway;
  if (closeprobe_gvisor_start(tap.data(), address.data(), config.prefix_length, gateway.data(),
                              error, sizeof(error)) != 0) {
    return absl::UnavailableError(absl::StrCat("starting gVisor's netstack: ", error));
  }
  g_config = config;
  closeprobe_gvisor_set_packet_hook(PassPacket);
  return absl::OkStatus();
}

const GvisorConfig& GvisorStackConfig() { return g_config; }

FrameHooks* GvisorFrameHooks() { return &g_hooks; }

}  // namespace closeprobe::agent
