// Resetting an executor's board: the workers it has, and a reboot that
// sets the board up again (between sessions, or when every worker is stuck).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/executor/executor_board.h"

namespace closeprobe::agent {

// A board answers HELLO again within ~0.2 s of a reset; this bounds a
// board that hangs while booting.
constexpr absl::Duration kRebootWait = absl::Seconds(10);

bool WorkerSlots::Acquire() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](WorkerSlots* w) {
        return w->free_ > 0 || w->stuck_ >= w->n_;
      },
      this));
  if (free_ == 0) return false;
  --free_;
  return true;
}

void WorkerSlots::Release(bool stuck) {
  absl::MutexLock lock(&mu_);
  if (stuck) {
    ++stuck_;
  } else {
    free_ = std::min(n_, free_ + 1);
  }
}

void WorkerSlots::Reset() {
  absl::MutexLock lock(&mu_);
  free_ = n_;
  stuck_ = 0;
}

absl::StatusOr<absl::Duration> ExecutorBoard::Reboot(const std::string& why) {
  const absl::Time start = absl::Now();
  absl::Status s = link->Reboot(why, kRebootWait);
  if (!s.ok()) return s;
  AfterRestart();
  return absl::Now() - start;
}

void ExecutorBoard::WatchRestarts() {
  restart_watch = std::thread([this] {
    while (!stop_watch && !link->closed()) {
      if (link->WaitForBoot(boots_handled.load(), absl::Milliseconds(200))) AfterRestart();
    }
  });
}

ExecutorBoard::~ExecutorBoard() {
  stop_watch = true;
  if (restart_watch.joinable()) restart_watch.join();
}

}  // namespace closeprobe::agent
