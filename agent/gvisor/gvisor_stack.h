// GvisorStack: the one gVisor netstack of this process (Debian's
// golang-gvisor-gvisor-dev snapshot, built into this agent as a C archive
// from the Go package beside this file), on a TAP device, with FrameHooks
// between its link endpoint and the stack for wire capture and faults.
//
// Threading: the stack runs its own goroutines; every call of gvisor_abi.h
// may come from any thread.
#ifndef CLOSEPROBE_AGENT_GVISOR_GVISOR_STACK_H_
#define CLOSEPROBE_AGENT_GVISOR_GVISOR_STACK_H_

#include <string>

#include "absl/status/status.h"
#include "agent/frame_hooks.h"

namespace closeprobe::agent {

struct GvisorConfig {
  std::string tap;      // an existing TAP device (ip tuntap add ... mode tap)
  std::string address;  // the stack's own IPv4 address
  int prefix_length = 24;
  std::string gateway;  // usually the TAP's kernel-side address
};

// Starts the stack once per process.
absl::Status StartGvisorStack(const GvisorConfig& config);
const GvisorConfig& GvisorStackConfig();

// The hooks on the link endpoint (IP packets, FrameKind::kIp).
FrameHooks* GvisorFrameHooks();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_GVISOR_GVISOR_STACK_H_
