// NewPlatform() for the Linux agent: POSIX sockets, netlink states, /proc
// info, libpcap capture, nftables faults, sysctl settings.
#include <unistd.h>

#include "agent/linux/platform_linux.h"
#include "agent/linux/state_observer_netlink.h"
#include "agent/platform.h"
#include "agent/posix/socket_api_posix.h"

namespace closeprobe::agent {

absl::StatusOr<Platform> NewPlatform(const PlatformOptions& options) {
  Platform p;
  p.sockets = NewPosixSocketApi();
  p.states = NewNetlinkStateObserver();
  p.info = NewLinuxPlatformInfo();
  p.error_name = PosixErrorName;
  // Capturing, nftables and sysctls of the namespace all need root.
  const bool root = geteuid() == 0;
  if (root) p.capture = NewPcapWireCapture();
  if (root && options.allow_faults) p.faults = NewNftablesFaultInjector();
  if (root && options.allow_settings) p.settings = NewLinuxStackSettings();
  return p;
}

}  // namespace closeprobe::agent
