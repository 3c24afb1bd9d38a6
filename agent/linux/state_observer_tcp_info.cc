// TCP states where NETLINK_SOCK_DIAG is missing (gVisor's sentry has only
// NETLINK_ROUTE and NETLINK_KOBJECT_UEVENT): an open socket's own TCP_INFO,
// and /proc/net/tcp for the connections on a port. Both list only sockets
// that still have a file, so a closed handle's connection (an orphan in
// FIN_WAIT_2, LAST_ACK or TIME_WAIT, or none) is not observable: Find says
// so (NotObservable, which the controller records as not observable, with
// the reason) instead of guessing CLOSED.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/linux/state_observer_netlink.h"
#include "agent/linux/tcp_states_linux.h"

namespace closeprobe::agent {
namespace {

// "0100007F:1F90" (an IPv4 address in host byte order, as /proc prints it).
bool ParseProcEndpoint(absl::string_view field, Endpoint* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(field, ':');
  uint32_t address = 0;
  int port = 0;
  if (parts.size() != 2 || parts[0].size() != 8 ||
      !absl::SimpleHexAtoi(parts[0], &address) ||
      !absl::SimpleHexAtoi(parts[1], &port)) {
    return false;
  }
  in_addr a{};
  a.s_addr = address;
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a, text, sizeof(text));
  *out = Endpoint{text, static_cast<uint16_t>(port)};
  return true;
}

constexpr char kClosedHandle[] =
    "not observable: this stack has no sock_diag, and TCP_INFO and "
    "/proc/net/tcp show only "
    "sockets that still have a file; a closed handle's connection (an orphan "
    "or none) is "
    "seen by neither";

class TcpInfoStateObserver final : public StateObserver {
 public:
  absl::StatusOr<std::vector<ConnectionInfo>> ConnectionsOnPort(
      uint16_t port) override {
    std::ifstream in("/proc/net/tcp");
    if (!in) return absl::UnavailableError("cannot read /proc/net/tcp");
    std::vector<ConnectionInfo> out;
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      if (!(fields >> slot >> local >> remote >> state)) continue;
      ConnectionInfo c;
      int st = 0;
      if (!ParseProcEndpoint(local, &c.local) ||
          !ParseProcEndpoint(remote, &c.remote) ||
          !absl::SimpleHexAtoi(state, &st)) {
        continue;
      }
      if (c.local.port != port && c.remote.port != port) continue;
      c.state = FromKernelTcpState(st);
      if (c.remote.port == 0) c.remote.address.clear();
      out.push_back(c);
    }
    return out;
  }

  absl::StatusOr<ConnectionInfo> Find(const SocketIdentity& id) override {
    if (id.native == kNoSocket) {
      // A socket that never had a port never had a connection either.
      if (id.local.port == 0) return ClosedConnection(id);
      return NotObservable(kClosedHandle);
    }
    const int fd = static_cast<int>(id.native);
    tcp_info info{};
    socklen_t size = sizeof(info);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) {
      return absl::UnavailableError(
          absl::StrCat("TCP_INFO: ", std::strerror(errno)));
    }
    // One system call per sample: under gVisor's ptrace platform each costs
    // tens of microseconds, and a wait samples every millisecond. The
    // addresses are the ones the agent recorded for the socket.
    ConnectionInfo c = ClosedConnection(id);
    c.state = FromKernelTcpState(info.tcpi_state);
    c.retransmits = info.tcpi_retransmits;
    return c;
  }
};

}  // namespace

std::unique_ptr<StateObserver> NewTcpInfoStateObserver() {
  return std::make_unique<TcpInfoStateObserver>();
}

}  // namespace closeprobe::agent
