// RunScheduler: runs every (case, platform column) pair with bounded
// parallelism. Cases marked slow start first so that their timers overlap
// the rest, and the run takes about as long as its longest case. Progress
// goes to `progress`: one updating line on a terminal, plain lines otherwise.
//
// Threading model: `jobs` worker threads take pairs from a shared queue;
// each pair runs on its own sessions and port block (see CaseRunner).
#ifndef CLOSEPROBE_CONTROLLER_RUN_SCHEDULER_H_
#define CLOSEPROBE_CONTROLLER_RUN_SCHEDULER_H_

#include <cstdint>
#include <functional>
#include <tuple>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "closeprobe/v1/report.pb.h"
#include "controller/cases/case_loader.h"
#include "controller/run/role_binder.h"

namespace closeprobe::controller {

struct ScheduleOptions {
  int jobs = 32;
  uint32_t port_base = 20000;
  absl::Duration lease = absl::Seconds(10);
  std::ostream* progress = nullptr;  // null: no progress output
  bool progress_is_tty = false;
  std::string pcap_dir;              // where captures are saved ("" = not saved)
  // How long each case took last time (by name), for the progress estimate.
  std::map<std::string, double> expected_seconds;
  // Cases that change stack settings run on hosts of their own:
  // (case index, column index) -> its agents, in place of the column's.
  // Those that have none run one at a time after all the others, so their
  // settings touch no other case.
  std::map<std::pair<int, int>, PlatformAgents> dedicated;
  // Called with each run's record as soon as it is known (from the worker
  // threads, one call at a time), with the row it ran; it may add to the
  // record (the judge's matching) before it is kept.
  std::function<void(const LoadedCase&, v1::CaseResult*)> on_result;
  // Runs already done (an interrupted run being resumed), by case name,
  // column name and iteration: their results are taken, not run again.
  std::map<std::tuple<std::string, std::string, int>, v1::CaseResult> finished;
};

// Results in case order, then column order. OutOfRange if the port blocks
// do not fit below 32768. Progress counts rows (a case on a column), not
// runs: a repeated case is one row whose runs are given as a count.
absl::StatusOr<std::vector<v1::CaseResult>> RunAll(
    const std::vector<LoadedCase>& cases, const std::vector<PlatformAgents>& columns,
    const ScheduleOptions& options);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_RUN_SCHEDULER_H_
