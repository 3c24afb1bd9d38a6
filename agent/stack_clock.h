// StackClock: the clock of a stack that keeps time of its own and may skip
// idle time (lwIP in user space: fast-forward). Optional in a Platform;
// without one the stack runs on the host's monotonic clock.
//
// A WaitState call steps the stack's clock to its next due timer, one timer
// at a time, as long as nothing any other live connection could observe is
// due (a discrete-event simulator's loop); it samples the state after each
// step, so every change is seen at the stack time it happened. The wait
// reports that time next to the wall time it took.
//
// Thread safety: implementations are safe for concurrent use.
#ifndef CLOSEPROBE_AGENT_STACK_CLOCK_H_
#define CLOSEPROBE_AGENT_STACK_CLOCK_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "agent/state_observer.h"

namespace closeprobe::agent {

class StackClock {
 public:
  virtual ~StackClock() = default;

  // The stack's monotonic time in ns: the host's, plus what was skipped.
  virtual int64_t NowNs() = 0;

  // Moves the clock to the next due timer and runs the timers due then,
  // if nothing but `waiting_for` could notice; false when it may not (or
  // no timer is set): the caller then waits in real time. Never moves the
  // clock past `until_ns` (the wait's own bound, on this clock): a timer due
  // later is not run, the clock stops at the bound.
  virtual bool SkipToNextTimer(const SocketIdentity& waiting_for, int64_t until_ns) = 0;

  // The connections live sessions hold: time is never skipped past a timer
  // of theirs, except the one a wait is waiting for.
  virtual void SetLiveConnections(std::function<std::vector<SocketIdentity>()> live) = 0;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_STACK_CLOCK_H_
