// SessionRegistry: the controller sessions of one agent and their leases.
//
// Threading model: gRPC handler threads call Open/Acquire/Close
// concurrently. One reaper thread, owned by the registry, wakes every
// 100 ms and tears down sessions whose lease ran out. A session is never
// torn down while a call holds it (an ActiveSession is alive): a call that
// blocks longer than the lease keeps its session, and the lease restarts
// when the call ends. Teardown closes every socket of the session without
// lingering (SocketApi::Discard), so it never blocks. A stack that is reset
// between cases (a board) gets `when_idle` once its last session is torn
// down; sessions opened meanwhile wait for the reset to end.
#ifndef CLOSEPROBE_AGENT_SESSION_REGISTRY_H_
#define CLOSEPROBE_AGENT_SESSION_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "agent/handle_table.h"
#include "agent/socket_api.h"

namespace closeprobe::agent {

struct SessionLimits {
  int max_sessions = 256;
  int max_sockets_per_session = 1024;
  absl::Duration default_lease = absl::Seconds(10);
  absl::Duration max_lease = absl::Minutes(10);
};

class Session {
 public:
  Session(std::string id, absl::Duration lease, int max_sockets)
      : id_(std::move(id)), lease_(lease), handles_(max_sockets) {}
  const std::string& id() const { return id_; }
  absl::Duration lease() const { return lease_; }
  HandleTable& handles() { return handles_; }

  // Work to undo when the session ends (stop a capture, remove a fault,
  // restore a setting), by key. Adding an existing key keeps the first.
  void AddCleanup(const std::string& key, std::function<void()> undo);
  // Forgets a cleanup that was done explicitly; false if there was none.
  bool DropCleanup(const std::string& key);
  // Whether the session holds this cleanup (owns that capture, fault...).
  bool HasCleanup(const std::string& key);
  // Runs and forgets every cleanup, newest first.
  void RunCleanups();

 private:
  friend class SessionRegistry;
  absl::Mutex cleanup_mu_;
  std::vector<std::pair<std::string, std::function<void()>>> cleanups_
      ABSL_GUARDED_BY(cleanup_mu_);
  const std::string id_;
  const absl::Duration lease_;
  HandleTable handles_;
  // Guarded by the registry's mutex.
  int in_flight_ = 0;
  absl::Time expires_;
};

class SessionRegistry;

// Holds a session for the duration of one call (RAII); renews its lease.
class ActiveSession {
 public:
  ActiveSession(SessionRegistry* registry, std::shared_ptr<Session> session)
      : registry_(registry), session_(std::move(session)) {}
  ActiveSession(ActiveSession&& other) noexcept
      : registry_(other.registry_), session_(std::move(other.session_)) {}
  ActiveSession(const ActiveSession&) = delete;
  ~ActiveSession();
  Session* operator->() const { return session_.get(); }

 private:
  SessionRegistry* registry_;
  std::shared_ptr<Session> session_;
};

class SessionRegistry {
 public:
  // `sockets` closes what expired sessions leave; it must outlive this.
  SessionRegistry(SocketApi* sockets, SessionLimits limits,
                  std::function<void()> when_idle = nullptr);
  ~SessionRegistry();  // closes every remaining session

  // ResourceExhausted beyond max_sessions; InvalidArgument for a bad lease.
  absl::StatusOr<std::shared_ptr<Session>> Open(absl::Duration lease);
  // NotFound for an unknown or expired session.
  absl::StatusOr<ActiveSession> Acquire(const std::string& id);
  // Closes the session's sockets; returns how many were open.
  absl::StatusOr<int> Close(const std::string& id);
  // Closes every session (agent shutdown).
  void CloseAll();

  int SessionCount() const;

 private:
  friend class ActiveSession;
  void Release(const std::shared_ptr<Session>& session);
  int Teardown(Session& session);
  // After a teardown: runs when_idle_ if no session is left.
  void ResetIfIdle();
  void ReapLoop();

  SocketApi* const sockets_;
  const SessionLimits limits_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Session>> sessions_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  const std::function<void()> when_idle_;
  bool resetting_ ABSL_GUARDED_BY(mu_) = false;
  std::thread reaper_;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_SESSION_REGISTRY_H_
