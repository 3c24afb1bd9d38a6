// The clock of an executor's stack: its own time (TIME, µs since boot),
// plus the idle time skipped with ADVANCE. A wait for a connection's
// TIME_WAIT to end skips to its end when no other live connection could
// notice: ADVANCE ages every PCB, so it is used only while the others are
// listeners, bound sockets or gone.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "agent/executor/executor_board.h"

namespace closeprobe::agent {
namespace {

bool Quiet(v1::TcpState s) {
  return s == v1::TCP_STATE_CLOSED || s == v1::TCP_STATE_LISTEN || s == v1::TCP_STATE_BOUND;
}

class ExecutorStackClock final : public StackClock {
 public:
  ExecutorStackClock(std::shared_ptr<ExecutorBoard> board, std::unique_ptr<StateObserver> states)
      : board_(std::move(board)), states_(std::move(states)) {}

  int64_t NowNs() override {
    absl::StatusOr<ExecutorReply> t = board_->link->Call("TIME", absl::Seconds(5));
    const int boots = board_->link->boots();
    absl::MutexLock lock(&time_mu_);
    // A reboot (between sessions, or a panic) starts the board's clock
    // again at zero: the time before it is carried, so this clock never
    // goes back.
    if (boots != boots_seen_) {
      before_restarts_us_ += last_us_;
      last_us_ = 0;
      boots_seen_ = boots;
    }
    if (t.ok()) last_us_ = std::max(last_us_, t->Int("t1", last_us_));
    return (before_restarts_us_ + last_us_) * 1000 + board_->skipped_ms.load() * 1000000;
  }

  bool SkipToNextTimer(const SocketIdentity& waiting_for, int64_t until_ns) override {
    absl::StatusOr<ConnectionInfo> c = states_->Find(waiting_for);
    if (!c.ok() || c->state != v1::TCP_STATE_TIME_WAIT || c->timer_remaining_ms <= 0) return false;
    std::function<std::vector<SocketIdentity>()> live;
    {
      absl::MutexLock lock(&mu_);
      live = live_;
    }
    if (live) {
      for (const SocketIdentity& other : live()) {
        if (other.local == waiting_for.local && other.remote == waiting_for.remote) continue;
        absl::StatusOr<ConnectionInfo> o = states_->Find(other);
        if (!o.ok() || !Quiet(o->state)) return false;
      }
    }
    // lwIP's slow timer acts on the aged PCB within its next 500 ms; never
    // past the wait's own bound.
    const int64_t left_ms = (until_ns - NowNs()) / 1'000'000;
    const int64_t ms = std::min<int64_t>(c->timer_remaining_ms + 500, left_ms);
    if (ms <= 0) return false;
    absl::StatusOr<ExecutorReply> r = board_->link->Call(absl::StrCat("ADVANCE ", ms), absl::Seconds(5));
    if (!r.ok() || r->status != "OK") return false;
    board_->skipped_ms += r->Int("ret");
    return true;
  }

  void SetLiveConnections(std::function<std::vector<SocketIdentity>()> live) override {
    absl::MutexLock lock(&mu_);
    live_ = std::move(live);
  }

 private:
  std::shared_ptr<ExecutorBoard> board_;
  std::unique_ptr<StateObserver> states_;
  absl::Mutex time_mu_;
  int64_t last_us_ ABSL_GUARDED_BY(time_mu_) = 0;  // the board's time in this boot
  int64_t before_restarts_us_ ABSL_GUARDED_BY(time_mu_) = 0;
  int boots_seen_ ABSL_GUARDED_BY(time_mu_) = 0;
  absl::Mutex mu_;
  std::function<std::vector<SocketIdentity>()> live_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<StackClock> NewExecutorStackClock(std::shared_ptr<ExecutorBoard> board) {
  auto states = NewExecutorStateObserver(board);
  return std::make_unique<ExecutorStackClock>(std::move(board), std::move(states));
}

}  // namespace closeprobe::agent
