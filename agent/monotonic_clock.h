// MonotonicNowNs: the agent's clock. Every time an agent reports (a call's
// start and end, a state's transition, a scheduled start) is on it, so the
// controller can relate them to each other and, through the measured offset,
// to its own clock.
//
// Thread safety: a pure function of the host's steady clock.
#ifndef CLOSEPROBE_AGENT_MONOTONIC_CLOCK_H_
#define CLOSEPROBE_AGENT_MONOTONIC_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace closeprobe::agent {

// Monotonic nanoseconds (CLOCK_MONOTONIC through std::chrono::steady_clock).
inline int64_t MonotonicNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_MONOTONIC_CLOCK_H_
