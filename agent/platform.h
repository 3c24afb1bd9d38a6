// Platform: the set of OS-specific pieces an agent runs on, built by the one
// NewPlatform() that the executable links (platform_linux.cc, ...). Shared
// code never names a platform; it receives a Platform.
//
// Ownership: the Platform owns its pieces; `sockets` is already wrapped in
// TimedSocketApi by NewPlatform's caller (see agent_service.h).
#ifndef CLOSEPROBE_AGENT_PLATFORM_H_
#define CLOSEPROBE_AGENT_PLATFORM_H_

#include <memory>

#include "absl/status/statusor.h"
#include "agent/error_names.h"
#include "agent/platform_info.h"
#include "agent/socket_api.h"
#include "agent/state_observer.h"

namespace closeprobe::agent {

struct Platform {
  std::unique_ptr<SocketApi> sockets;
  std::unique_ptr<StateObserver> states;
  std::unique_ptr<PlatformInfo> info;
  ErrorNameTable error_name = nullptr;
};

// Defined once per platform library.
absl::StatusOr<Platform> NewPlatform();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_PLATFORM_H_
