#include "controller/run/clock_sync.h"

#include <chrono>
#include <fstream>
#include <limits>

#include "absl/strings/ascii.h"

namespace closeprobe::controller {

int64_t ControllerNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

const std::string& ControllerClockDomain() {
  static const std::string* domain = [] {
    std::ifstream in("/proc/sys/kernel/random/boot_id");  // absent off Linux: ""
    std::string id;
    std::getline(in, id);
    return new std::string(absl::StripAsciiWhitespace(id));
  }();
  return *domain;
}

absl::StatusOr<v1::ClockSync> SyncClock(
    const v1::InfoReply& first, const std::function<absl::StatusOr<v1::InfoReply>()>& ask,
    int samples) {
  v1::ClockSync sync;
  if (!first.clock_domain().empty() && first.clock_domain() == ControllerClockDomain()) {
    sync.set_shared(true);
    return sync;
  }
  int64_t best_rtt = std::numeric_limits<int64_t>::max();
  for (int i = 0; i < samples; ++i) {
    const int64_t sent = ControllerNowNs();
    absl::StatusOr<v1::InfoReply> info = ask();
    const int64_t back = ControllerNowNs();
    if (!info.ok()) return info.status();
    if (back - sent >= best_rtt || info->mono_now_ns() == 0) continue;
    best_rtt = back - sent;
    sync.set_offset_ns(info->mono_now_ns() - (sent + back) / 2);
    sync.set_uncertainty_ns(best_rtt / 2);
  }
  sync.set_samples(samples);
  return sync;
}

}  // namespace closeprobe::controller
