// NewPlatform() for the Linux agent: POSIX sockets, netlink states, /proc
// info, libpcap capture, nftables faults, sysctl settings. On gVisor's
// sentry (a runsc sandbox) it says it is gVisor, reads states through
// TCP_INFO and /proc/net/tcp (no sock_diag there), and has no capture or
// faults: those sit on the wire outside the sandbox (--wire_port).
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
  std::optional<GvisorSandbox> gvisor;
  if (RunsOnGvisorSentry()) gvisor = GvisorSandbox{options.runsc_version, options.runsc_platform};
  Platform p;
  p.sockets = NewPosixSocketApi();
  p.states = HasSockDiag() ? NewNetlinkStateObserver() : NewTcpInfoStateObserver();
  p.info = NewLinuxPlatformInfo(gvisor);
  p.error_name = PosixErrorName;
  // Capturing, nftables and sysctls of the namespace all need root; in
  // gVisor libpcap cannot capture (no PACKET_MMAP) and nftables is absent.
  const bool root = geteuid() == 0;
  const bool wire = !options.wire_port.empty();
  if (root && !gvisor) p.capture = NewPcapWireCapture(options.wire_port);
  if (root && !gvisor && options.allow_faults) p.faults = NewNftablesFaultInjector(wire);
  if (root && !wire && options.allow_settings) {
    p.settings = NewLinuxStackSettings(gvisor.has_value());
  }
  // Crafted segments change what the link carries, as drop rules do (not
  // from inside a sandbox, nor from an agent that serves a bridged wire).
  if (root && !gvisor && !wire && options.allow_faults) p.injector = NewRawSocketInjector();
  return p;
}

}  // namespace closeprobe::agent
