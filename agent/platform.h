// Platform: the set of OS-specific pieces an agent runs on, built by the one
// NewPlatform() that the executable links (platform_linux.cc, ...). Shared
// code never names a platform; it receives a Platform.
//
// Ownership: the Platform owns its pieces; `sockets` is already wrapped in
// TimedSocketApi by NewPlatform's caller (see agent_service.h).
#ifndef CLOSEPROBE_AGENT_PLATFORM_H_
#define CLOSEPROBE_AGENT_PLATFORM_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "agent/error_names.h"
#include "agent/fault_injector.h"
#include "agent/platform_info.h"
#include "agent/segment_injector.h"
#include "agent/socket_api.h"
#include "agent/stack_clock.h"
#include "agent/stack_settings.h"
#include "agent/state_observer.h"
#include "agent/wire_capture.h"

namespace closeprobe::agent {

struct Platform {
  std::unique_ptr<SocketApi> sockets;
  std::unique_ptr<StateObserver> states;
  std::unique_ptr<PlatformInfo> info;
  ErrorNameTable error_name = nullptr;
  // Optional: null where the platform (or this agent's privileges) lacks them.
  std::unique_ptr<WireCapture> capture;
  std::unique_ptr<FaultInjector> faults;
  std::unique_ptr<StackSettings> settings;
  // A stack with a clock of its own that may skip idle time (lwIP).
  std::unique_ptr<StackClock> clock;
  // Sends crafted segments onto the link (needs a capture to resolve them).
  std::unique_ptr<SegmentInjector> injector;
  // A stack reset when its last session ends, so that no case inherits
  // another's leftovers (a board, rebooted between cases); null = never.
  std::function<void()> reset_when_idle;
};

// What an agent may do beyond socket calls; both off unless its operator
// turns them on (they change the host for everything on it).
struct PlatformOptions {
  bool allow_faults = false;    // install packet-drop rules
  bool allow_settings = false;  // change the stack's settings
  // Linux agent: serve the wire between a sandbox and its peer instead of a
  // stack: capture on this bridge port, drop on the bridge ("" = not).
  std::string wire_port;
  // Linux agent in a gVisor sandbox: what runs it, as its starter knows
  // (the sentry inside says "Linux 4.4.0"); reported by Info.
  std::string runsc_version;
  std::string runsc_platform;
};

// Defined once per platform library. Optional pieces the platform or the
// agent's privileges cannot provide are left null.
absl::StatusOr<Platform> NewPlatform(const PlatformOptions& options = PlatformOptions());

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_PLATFORM_H_
