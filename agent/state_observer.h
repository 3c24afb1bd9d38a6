// StateObserver: reads the TCP state of connections from the stack itself,
// including connections no application socket refers to any more (orphans in
// FIN_WAIT_2, TIME_WAIT, LAST_ACK), the way `ss` does on Linux.
//
// Thread safety: implementations are safe for concurrent access.
// Errors: absl::Status for agent faults (e.g. netlink unavailable), and
// NotObservable() for a connection this stack cannot show at all.
#ifndef CLOSEPROBE_AGENT_STATE_OBSERVER_H_
#define CLOSEPROBE_AGENT_STATE_OBSERVER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
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
  // listen() succeeded on it: only then may a connection with no peer (a
  // listener's) be its own. A socket accepted or connected never answers
  // with its listener's state, nor a closed one with a later listener's.
  bool listening = false;
  // May `c`, a connection with no peer on the socket's local port, be this
  // socket's own? Only an open listener's LISTEN.
  bool OwnsUnconnected(const ConnectionInfo& c) const {
    return listening && native != kNoSocket && c.state == v1::TCP_STATE_LISTEN;
  }
};

// Neither open nor closed but unknown: a stack whose observer sees only
// open sockets cannot show a closed handle's connection. Find answers this
// instead of guessing CLOSED; the service passes it on as a reply field
// (StateReply.not_observable), never as a state and never by its wording.
inline constexpr absl::string_view kNotObservablePayload = "closeprobe/not_observable";
inline absl::Status NotObservable(absl::string_view why) {
  absl::Status s = absl::UnimplementedError(why);
  s.SetPayload(kNotObservablePayload, absl::Cord());
  return s;
}
inline bool IsNotObservable(const absl::Status& s) {
  return s.GetPayload(kNotObservablePayload).has_value();
}

class StateObserver {
 public:
  virtual ~StateObserver() = default;

  // Every connection whose local or remote port is `port`.
  virtual absl::StatusOr<std::vector<ConnectionInfo>> ConnectionsOnPort(
      uint16_t port) = 0;

  // The connection of one socket; state CLOSED when the stack holds none.
  virtual absl::StatusOr<ConnectionInfo> Find(const SocketIdentity& id) = 0;
};

// For a stack that keeps no inode (lwIP, gVisor), a socket's connection is
// known by its addresses: among the connections on its local port, an open
// listener matches the listening one with no peer, a connected socket the
// one with its peer. State CLOSED when none matches: never another
// socket's state (a listener's, a later socket's on the same port).
inline ConnectionInfo FindByAddresses(const std::vector<ConnectionInfo>& on_port,
                                      const SocketIdentity& id) {
  for (const ConnectionInfo& c : on_port) {
    if (id.local.port == 0 || c.local.port != id.local.port) continue;
    if (id.remote.port == 0) {
      if (c.remote.port == 0 && id.OwnsUnconnected(c)) return c;
      continue;
    }
    if (c.remote.port == id.remote.port && c.remote.address == id.remote.address) return c;
  }
  ConnectionInfo none;
  none.local = id.local;
  none.remote = id.remote;
  none.state = v1::TCP_STATE_CLOSED;
  return none;
}

// The StateObserver of such a stack: Find looks among ConnectionsOnPort.
class AddressedStateObserver : public StateObserver {
 public:
  absl::StatusOr<ConnectionInfo> Find(const SocketIdentity& id) override {
    absl::StatusOr<std::vector<ConnectionInfo>> on_port = ConnectionsOnPort(id.local.port);
    if (!on_port.ok()) return on_port.status();
    return FindByAddresses(*on_port, id);
  }
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_STATE_OBSERVER_H_
