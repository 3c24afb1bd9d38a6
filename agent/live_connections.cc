#include "agent/live_connections.h"

#include <algorithm>

namespace closeprobe::agent {

void LiveConnections::Publish(const std::shared_ptr<SocketRecord>& record) {
  absl::MutexLock lock(&mu_);
  const SocketIdentity now = record->Identity();
  ForgetEnded();
  for (Entry& e : entries_) {
    if (e.record.lock() == record) {
      e.identity = now;
      return;
    }
  }
  entries_.push_back(Entry{record, now});
}

std::vector<SocketIdentity> LiveConnections::Snapshot() {
  absl::MutexLock lock(&mu_);
  ForgetEnded();
  std::vector<SocketIdentity> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(e.identity);
  return out;
}

void LiveConnections::ForgetEnded() {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [](const Entry& e) { return e.record.expired(); }),
                 entries_.end());
}

}  // namespace closeprobe::agent
