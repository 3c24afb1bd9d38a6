// ScheduledStart: a socket call that its request asks to start at a given
// instant of this agent's monotonic clock, so that calls on different agents
// (a close on each end) really start together.
//
// The request carries the instant as gRPC metadata (kStartAtMetadata). The
// service arms it for the handler's thread with a ScheduledStartScope that
// lives as long as the handler; TimedSocketApi takes it at the next socket
// call, holds the call until then and records what was requested.
//
// Thread safety: the armed instant is thread-local; nothing is shared.
#ifndef CLOSEPROBE_AGENT_SCHEDULED_START_H_
#define CLOSEPROBE_AGENT_SCHEDULED_START_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace closeprobe::agent {

// Metadata key: decimal nanoseconds of the agent's MonotonicNowNs().
inline constexpr char kStartAtMetadata[] = "closeprobe-start-at-mono-ns";

// How far ahead a call may be scheduled.
inline constexpr int64_t kMaxScheduleAheadNs = 10'000'000'000;

// The instant in `text` (the metadata's value); InvalidArgument when it is
// not a number or lies further ahead than kMaxScheduleAheadNs. A past
// instant is accepted: the call starts at once and reports how late it was.
absl::StatusOr<int64_t> ParseStartAt(const std::string& text, int64_t now_mono_ns);

// Arms `start_mono_ns` (0: nothing) for the calling thread until destroyed.
class ScheduledStartScope {
 public:
  explicit ScheduledStartScope(int64_t start_mono_ns);
  ~ScheduledStartScope();
  ScheduledStartScope(const ScheduledStartScope&) = delete;
  ScheduledStartScope& operator=(const ScheduledStartScope&) = delete;
};

// The instant armed on this thread (0 when none), disarming it: one call
// takes it.
int64_t TakeScheduledStart();

// Holding a call until `start_mono_ns` of MonotonicNowNs(): sleep until
// shortly before it (sleeping wakes too late to hit it), then spin.
void SleepUntilNear(int64_t start_mono_ns);
void SpinUntil(int64_t start_mono_ns);

// For its life, the calling thread runs ahead of ordinary threads where the
// platform allows it (Linux as root: SCHED_FIFO), so that a spinning wait is
// not pushed back by the agent's own samplers. One definition per platform.
class SpinPriority {
 public:
  SpinPriority();
  ~SpinPriority();
  SpinPriority(const SpinPriority&) = delete;
  SpinPriority& operator=(const SpinPriority&) = delete;

 private:
  bool raised_ = false;
};

// Which machine's monotonic clock MonotonicNowNs() reads (Linux: the boot
// id): agents and controllers that report the same domain share one clock.
// "" when the platform cannot tell. One definition per platform.
std::string MonotonicClockDomain();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_SCHEDULED_START_H_
