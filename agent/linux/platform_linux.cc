// NewPlatform() for the Linux agent: POSIX sockets, netlink states, /proc info.
#include "agent/linux/platform_linux.h"
#include "agent/linux/state_observer_netlink.h"
#include "agent/platform.h"
#include "agent/posix/socket_api_posix.h"

namespace closeprobe::agent {

absl::StatusOr<Platform> NewPlatform() {
  Platform p;
  p.sockets = NewPosixSocketApi();
  p.states = NewNetlinkStateObserver();
  p.info = NewLinuxPlatformInfo();
  p.error_name = PosixErrorName;
  return p;
}

}  // namespace closeprobe::agent
