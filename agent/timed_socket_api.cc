#include "agent/timed_socket_api.h"

#include <optional>

#include "absl/time/clock.h"
#include "agent/scheduled_start.h"

namespace closeprobe::agent {

CallResult TimedSocketApi::Timed(absl::FunctionRef<CallResult()> call) {
  const int64_t requested = TakeScheduledStart();
  // Held calls wait, wake, spin and call ahead of ordinary threads: a
  // real-time thread's sleep has no timer slack and its wake-up preempts the
  // agent's samplers and whatever else the host runs.
  std::optional<SpinPriority> ahead;
  if (requested > 0) {
    ahead.emplace();
    SleepUntilNear(requested);
    SpinUntil(requested);
  }
  const int64_t unix_start = absl::GetCurrentTimeNanos();
  const int64_t start = MonotonicNowNs();
  CallResult result = call();
  result.end_mono_ns = MonotonicNowNs();
  result.start_mono_ns = start;
  result.start_unix_ns = unix_start;
  result.requested_start_mono_ns = requested;
  return result;
}

}  // namespace closeprobe::agent
