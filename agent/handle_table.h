// HandleTable: the opaque handles of one session ("h1", "h2", ...) and the
// native sockets behind them. A closed handle stays in the table with the
// addresses it last had, so the state of its connection (TIME_WAIT...) can
// still be asked for by handle.
//
// Thread safety: safe for concurrent access. A SocketRecord is shared; its
// fields are written only by the session's calls, which the controller
// makes one at a time, and by session teardown, which runs only when no call
// is in flight (see SessionRegistry).
#ifndef CLOSEPROBE_AGENT_HANDLE_TABLE_H_
#define CLOSEPROBE_AGENT_HANDLE_TABLE_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "agent/socket_api.h"
#include "agent/state_observer.h"

namespace closeprobe::agent {

struct SocketRecord {
  NativeSocket native = kNoSocket;  // kNoSocket once closed
  Endpoint local;                   // last known addresses
  Endpoint remote;
  bool listening = false;           // listen() succeeded on it
  // Calls waiting on the socket with no copy of their own (held_socket.h):
  // while any waits, a close from another call is refused.
  std::atomic<int> uncopied_waiters{0};
  bool closed() const { return native == kNoSocket; }
  SocketIdentity Identity() const { return SocketIdentity{native, local, remote, listening}; }
};

class HandleTable {
 public:
  explicit HandleTable(int max_open) : max_open_(max_open) {}

  // Registers a new open socket and returns its handle.
  // ResourceExhausted when the session already holds max_open open sockets.
  absl::StatusOr<std::string> Add(NativeSocket native);

  // NotFound for an unknown handle.
  absl::StatusOr<std::shared_ptr<SocketRecord>> Get(const std::string& handle) const;

  // Marks every open socket closed and returns the natives to discard.
  std::vector<NativeSocket> TakeAllOpen();

  int OpenCount() const;

 private:
  const int max_open_;
  mutable absl::Mutex mu_;
  int next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<std::string, std::shared_ptr<SocketRecord>> records_ ABSL_GUARDED_BY(mu_);
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_HANDLE_TABLE_H_
