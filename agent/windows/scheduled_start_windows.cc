// Windows: no boot id is at hand, so an agent's clock is never assumed to be
// shared; the controller estimates its offset from round trips. A held call
// spins at its normal priority.
#include <string>

#include "agent/scheduled_start.h"

namespace closeprobe::agent {

std::string MonotonicClockDomain() { return ""; }

SpinPriority::SpinPriority() = default;
SpinPriority::~SpinPriority() = default;

}  // namespace closeprobe::agent
