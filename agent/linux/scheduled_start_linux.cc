// Linux: CLOCK_MONOTONIC is one per boot of the machine, shared by every
// network namespace and container on it, and the boot id names it. A held
// call spins its last stretch as a real-time thread, so that the pollers and
// samplers of a busy agent cannot push its start back (root only; otherwise
// it spins at its normal priority).
#include <pthread.h>
#include <sched.h>

#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "agent/scheduled_start.h"

namespace closeprobe::agent {

std::string MonotonicClockDomain() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return std::string(absl::StripAsciiWhitespace(id));
}

SpinPriority::SpinPriority() {
  sched_param rt{};
  rt.sched_priority = 1;
  int policy = SCHED_OTHER;
  sched_param was{};
  if (pthread_getschedparam(pthread_self(), &policy, &was) == 0 && policy == SCHED_OTHER &&
      pthread_setschedparam(pthread_self(), SCHED_FIFO, &rt) == 0) {
    raised_ = true;
  }
}

SpinPriority::~SpinPriority() {
  if (!raised_) return;
  sched_param normal{};
  pthread_setschedparam(pthread_self(), SCHED_OTHER, &normal);
}

}  // namespace closeprobe::agent
