#include "agent/scheduled_start.h"

#include <thread>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "agent/monotonic_clock.h"

namespace closeprobe::agent {
namespace {

thread_local int64_t armed_start_ns = 0;

// A sleeping thread wakes up late by a timer's slack and the scheduler's
// delay, a millisecond and more on a loaded host: the last 2 ms are spun
// (scheduled calls are few: the races of a case).
constexpr int64_t kSpinNs = 2'000'000;

}  // namespace

absl::StatusOr<int64_t> ParseStartAt(const std::string& text, int64_t now_mono_ns) {
  int64_t at = 0;
  if (!absl::SimpleAtoi(text, &at) || at <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        kStartAtMetadata, " must be the agent's monotonic time in ns, got '", text, "'"));
  }
  if (at - now_mono_ns > kMaxScheduleAheadNs) {
    return absl::InvalidArgumentError(absl::StrCat(
        kStartAtMetadata, " is ", (at - now_mono_ns) / 1'000'000,
        " ms ahead of this agent's clock; at most ", kMaxScheduleAheadNs / 1'000'000));
  }
  return at;
}

ScheduledStartScope::ScheduledStartScope(int64_t start_mono_ns) {
  armed_start_ns = start_mono_ns;
}
ScheduledStartScope::~ScheduledStartScope() { armed_start_ns = 0; }

int64_t TakeScheduledStart() {
  const int64_t at = armed_start_ns;
  armed_start_ns = 0;
  return at;
}

void SleepUntilNear(int64_t start_mono_ns) {
  const int64_t sleep_ns = start_mono_ns - kSpinNs - MonotonicNowNs();
  if (sleep_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(sleep_ns));
}

void SpinUntil(int64_t start_mono_ns) {
  while (MonotonicNowNs() < start_mono_ns) {
  }
}

}  // namespace closeprobe::agent
