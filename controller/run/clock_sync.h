// ClockSync: how this controller's monotonic clock maps onto an agent's, so
// that calls on several agents can be scheduled for one instant. Agents in
// the same clock domain (Linux: the same boot, as netns, TAP and container
// agents on this machine are) share the controller's clock; for the others
// the offset is estimated from round trips of Info (the sample with the
// shortest round trip wins; its half round trip is the uncertainty).
#ifndef CLOSEPROBE_CONTROLLER_RUN_CLOCK_SYNC_H_
#define CLOSEPROBE_CONTROLLER_RUN_CLOCK_SYNC_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "closeprobe/v1/agent.pb.h"
#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

// The controller's monotonic clock (CLOCK_MONOTONIC on Linux), in ns.
int64_t ControllerNowNs();

// The controller's clock domain ("" where the machine cannot tell).
const std::string& ControllerClockDomain();

// `first`: the agent's Info at connection. `ask` makes one more Info call.
// Estimates from `samples` round trips unless the clock is shared.
absl::StatusOr<v1::ClockSync> SyncClock(
    const v1::InfoReply& first, const std::function<absl::StatusOr<v1::InfoReply>()>& ask,
    int samples = 8);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_RUN_CLOCK_SYNC_H_
