// LiveConnections: the addresses of every socket that a live session holds
// (open or closed, until the session ends), for a StackClock that must not
// skip time past their timers.
//
// Thread safety: safe for concurrent use. A record is published by its
// session's calls; it drops out by itself when its session ends (the
// HandleTable that owns it goes away).
#ifndef CLOSEPROBE_AGENT_LIVE_CONNECTIONS_H_
#define CLOSEPROBE_AGENT_LIVE_CONNECTIONS_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "agent/handle_table.h"
#include "agent/state_observer.h"

namespace closeprobe::agent {

class LiveConnections {
 public:
  // The record's addresses as they are now (called after each change).
  void Publish(const std::shared_ptr<SocketRecord>& record);
  // Every published record still held by a session, with its addresses.
  std::vector<SocketIdentity> Snapshot();

 private:
  // Drops the records whose session has ended.
  void ForgetEnded() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  struct Entry {
    std::weak_ptr<SocketRecord> record;
    SocketIdentity identity;
  };
  absl::Mutex mu_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_LIVE_CONNECTIONS_H_
