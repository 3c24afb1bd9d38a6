// NewPlatform() for the Windows agent: Winsock sockets, IP Helper states,
// registry info. No capture, faults or settings yet: cases that need them
// show as not supported on Windows.
#include <memory>

#include "agent/platform.h"
#include "agent/windows/platform_info_windows.h"
#include "agent/windows/socket_api_winsock.h"
#include "agent/windows/state_observer_windows.h"

namespace closeprobe::agent {

absl::StatusOr<Platform> NewPlatform(const PlatformOptions& options) {
  // Winsock stays started for the agent's lifetime.
  static auto* winsock = new WinsockSession();
  if (!winsock->ok()) {
    return absl::UnavailableError("WSAStartup failed: " +
                                  std::to_string(winsock->error()));
  }
  Platform p;
  p.sockets = NewWinsockSocketApi();
  p.states = NewWindowsStateObserver();
  p.info = NewWindowsPlatformInfo({});
  p.error_name = WinsockErrorName;
  return p;
}

}  // namespace closeprobe::agent
