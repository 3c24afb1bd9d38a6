// TCP states from gVisor's endpoints (connections.go): registered, dangling
// (closed by the application, still in FIN_WAIT_*, LAST_ACK, TIME_WAIT) and
// the socket table's. Like lwIP, the stack keeps no inode: a socket is found
// by its addresses.
#include "absl/status/status.h"
#include "agent/gvisor/netstack/gvisor_abi.h"
#include "agent/gvisor/platform_gvisor.h"

namespace closeprobe::agent {
namespace {

ConnectionInfo Describe(const closeprobe_gvisor_connection& c) {
  ConnectionInfo info;
  info.local = Endpoint{c.local[0] != '\0' ? c.local : "0.0.0.0", c.local_port};
  info.remote = Endpoint{c.remote, c.remote_port};
  v1::TcpState state = v1::TCP_STATE_UNSPECIFIED;
  v1::TcpState_Parse(std::string("TCP_STATE_") + c.state, &state);
  info.state = state;
  info.orphaned = c.orphaned != 0;
  return info;
}

class GvisorStateObserver final : public AddressedStateObserver {
 public:
  absl::StatusOr<std::vector<ConnectionInfo>> ConnectionsOnPort(uint16_t port) override {
    std::vector<closeprobe_gvisor_connection> found(256);
    const int n = closeprobe_gvisor_connections(port, found.data(), static_cast<int>(found.size()));
    std::vector<ConnectionInfo> out;
    for (int i = 0; i < n; ++i) out.push_back(Describe(found[i]));
    return out;
  }
};

}  // namespace

std::unique_ptr<StateObserver> NewGvisorStateObserver() {
  return std::make_unique<GvisorStateObserver>();
}

}  // namespace closeprobe::agent
