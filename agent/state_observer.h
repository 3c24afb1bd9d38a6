// StateObserver: reads the TCP state of connections from the stack itself,
// including connections no application socket refers to any more (orphans in
// FIN_WAIT_2, TIME_WAIT, LAST_ACK), the way `ss` does on Linux.
//
// Thread safety: implementations are safe for concurrent access.
// Errors: absl::Status only for agent faults (e.g. netlink unavailable).
#ifndef CLOSEPROBE_AGENT_STATE_OBSERVER_H_
#define CLOSEPROBE_AGENT_STATE_OBSERVER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/socket_api.h"
#include "closeprobe/v1/agent.pb.h"

namespace closeprobe::agent {

struct ConnectionInfo {
  Endpoint local;
  Endpoint remote;
  v1::TcpState state = v1::TCP_STATE_CLOSED;
  int64_t timer_remaining_ms = -1;
  int retransmits = 0;
  bool orphaned = false;
};

// What identifies one socket's connection: the open socket, if it is still
// open, and the addresses it had (kept after close to find its orphan).
struct SocketIdentity {
  NativeSocket native = kNoSocket;  // kNoSocket once the handle was closed
  Endpoint local;
  Endpoint remote;                  // port 0 for a listener or unconnected socket
};

class StateObserver {
 public:
  virtual ~StateObserver() = default;

  // Every connection whose local or remote port is `port`.
  virtual absl::StatusOr<std::vector<ConnectionInfo>> ConnectionsOnPort(
      uint16_t port) = 0;

  // The connection of one socket; state CLOSED when the stack holds none.
  virtual absl::StatusOr<ConnectionInfo> Find(const SocketIdentity& id) = 0;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_STATE_OBSERVER_H_
