// Fault injection for an in-process stack: drop rules applied to the frames
// its FrameHooks see (the user-space equivalent of a pulled cable).
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "agent/frame_hooks.h"
#include "agent/segment_decoder.h"

namespace closeprobe::agent {
namespace {

bool InRange(uint16_t port, const FaultRule& r) {
  return port >= r.first_port && port <= r.last_port;
}

class FrameFaultInjector final : public FaultInjector, public FrameObserver {
 public:
  FrameFaultInjector(FrameHooks* hooks, FrameKind kind) : hooks_(hooks), kind_(kind) {
    hooks_->SetFilter(this);
  }
  ~FrameFaultInjector() override { hooks_->SetFilter(nullptr); }

  absl::StatusOr<int> Add(const FaultRule& rule) override {
    if (absl::Status valid = ValidateFaultRule(rule); !valid.ok()) return valid;
    absl::MutexLock lock(&mu_);
    const int id = next_id_++;
    rules_[id] = rule;
    return id;
  }

  absl::Status Remove(int id) override {
    absl::MutexLock lock(&mu_);
    if (rules_.erase(id) == 0) return absl::NotFoundError(absl::StrCat("fault ", id, " is not installed"));
    return absl::OkStatus();
  }

  bool OnFrame(const uint8_t* frame, size_t length, bool outgoing) override {
    CapturedSegment s;
    if (!DecodeFrame(kind_, frame, length, &s)) return true;
    absl::MutexLock lock(&mu_);
    for (const auto& [id, r] : rules_) {
      if ((outgoing && r.direction == FaultDirection::kIncoming) ||
          (!outgoing && r.direction == FaultDirection::kOutgoing)) {
        continue;
      }
      const std::string& peer = outgoing ? s.dst.address : s.src.address;
      if (peer == r.peer_address && (InRange(s.src.port, r) || InRange(s.dst.port, r)) &&
          HasExactFlags(s, r.exact_flags)) {
        return false;
      }
    }
    return true;
  }

 private:
  FrameHooks* const hooks_;
  const FrameKind kind_;
  absl::Mutex mu_;
  int next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int, FaultRule> rules_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<FaultInjector> NewFrameFaultInjector(FrameHooks* hooks, FrameKind kind) {
  return std::make_unique<FrameFaultInjector>(hooks, kind);
}

}  // namespace closeprobe::agent
