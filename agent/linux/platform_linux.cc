// NewPlatform() for the Linux agent: POSIX sockets, netlink states, /proc
// info, libpcap capture, nftables faults, sysctl settings.
#include <sys/resource.h>
#include <unistd.h>

#include "agent/linux/platform_linux.h"
#include "agent/linux/state_observer_netlink.h"
#include "agent/platform.h"
#include "agent/posix/socket_api_posix.h"

namespace closeprobe::agent {

absl::StatusOr<Platform> NewPlatform(const PlatformOptions& options) {
  // Many controllers may hold thousands of sockets at once: allow the
  // process as many descriptors as the hard limit does.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
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
  // Crafted segments change what the link carries, as drop rules do.
  if (root && options.allow_faults) p.injector = NewRawSocketInjector();
  return p;
}

}  // namespace closeprobe::agent
