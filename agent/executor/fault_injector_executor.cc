// Faults on an executor's stack: drop rules inside its own packet path
// (FAULT/UNFAULT of the executor protocol), so "this host" is the stack's
// side whatever sits between it and the peer (a board's TAP, a serial
// device's network). Removed with the injector.
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "agent/executor/executor_board.h"
#include "agent/fault_injector.h"

namespace closeprobe::agent {
namespace {

const char* Direction(FaultDirection d) {
  switch (d) {
    case FaultDirection::kOutgoing: return "OUT";
    case FaultDirection::kIncoming: return "IN";
    case FaultDirection::kBoth: return "BOTH";
  }
  return "BOTH";
}

class ExecutorFaultInjector final : public FaultInjector {
 public:
  explicit ExecutorFaultInjector(std::shared_ptr<ExecutorBoard> board) : board_(std::move(board)) {}
  ~ExecutorFaultInjector() override {
    absl::MutexLock lock(&mu_);
    for (int id : installed_) (void)board_->link->Call(absl::StrCat("UNFAULT ", id), absl::Seconds(2));
  }

  absl::StatusOr<int> Add(const FaultRule& rule) override {
    if (absl::Status valid = ValidateFaultRule(rule); !valid.ok()) return valid;
    absl::MutexLock lock(&mu_);
    const int id = next_id_++;
    absl::StatusOr<ExecutorReply> r = board_->link->Call(
        absl::StrCat("FAULT ", id, " ", rule.peer_address, " ", rule.first_port, " ",
                     rule.last_port, " ", Direction(rule.direction), " ",
                     rule.exact_flags.empty() ? "-" : rule.exact_flags),
        absl::Seconds(5));
    if (!r.ok()) return r.status();
    if (r->status != "OK") {
      return absl::UnavailableError(absl::StrCat("the executor refused the rule: ", r->line));
    }
    installed_.insert(id);
    return id;
  }

  absl::Status Remove(int id) override {
    absl::MutexLock lock(&mu_);
    if (installed_.erase(id) == 0) {
      return absl::NotFoundError(absl::StrCat("fault ", id, " is not installed"));
    }
    absl::StatusOr<ExecutorReply> r =
        board_->link->Call(absl::StrCat("UNFAULT ", id), absl::Seconds(5));
    if (!r.ok()) return r.status();
    // A rule a restarted executor already forgot is gone as asked.
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<ExecutorBoard> board_;
  absl::Mutex mu_;
  int next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::set<int> installed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<FaultInjector> NewExecutorFaultInjector(std::shared_ptr<ExecutorBoard> board) {
  return std::make_unique<ExecutorFaultInjector>(std::move(board));
}

}  // namespace closeprobe::agent
