// lwIP in virtual time: this process defines lwIP's clock (sys_now, which
// liblwip calls through its PLT, so the executable's definition wins), and
// skips idle time the way a discrete-event simulator does.
//
// A WaitState steps lwIP's clock to its next due timer and runs the timers
// that are due, one timer at a time (lwIP's cyclic timers do not catch up
// after a jump: TIME_WAIT counts tcp_slowtmr calls), and samples the state
// after each step. It steps only while the stack is idle: no segment unacknowledged
// or unsent, no delayed ACK, no out-of-order or refused data, no persist
// timer, no handshake under way; and no connection a live session holds,
// other than the one the wait is waiting for (their timers, and the idle
// age their later timers count from, are theirs). Incoming traffic
// is handled by lwIP between steps and makes the stack busy again.
#include <time.h>

#include <atomic>

#include "absl/synchronization/mutex.h"
#include "agent/lwip/lwip_stack.h"
#include "agent/lwip/pcb_identity_lwip.h"
#include "agent/lwip/platform_lwip.h"

extern "C" {
#include "lwip/ip_addr.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
}

namespace closeprobe::agent {
namespace {

std::atomic<int64_t> skipped_ms{0};  // how far lwIP's clock is ahead of the host's

int64_t HostMonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Something is on its way or owed: skipping time would change what happens.
bool Busy(const tcp_pcb* p) {
  return p->state == SYN_SENT || p->state == SYN_RCVD || p->unacked != nullptr ||
         p->unsent != nullptr || p->ooseq != nullptr || p->refused_data != nullptr ||
         (p->flags & (TF_ACK_DELAY | TF_ACK_NOW)) != 0 || p->persist_backoff > 0;
}


class LwipFastForward final : public StackClock {
 public:
  int64_t NowNs() override { return HostMonotonicNs() + skipped_ms.load() * 1'000'000; }

  bool SkipToNextTimer(const SocketIdentity& waiting_for, int64_t until_ns) override {
    std::vector<SocketIdentity> live;
    {
      absl::MutexLock lock(&mu_);
      if (live_) live = live_();
    }
    CoreLock core;
    auto held = [&](const tcp_pcb* p) {
      if (IsConnectionOf(p, waiting_for)) return false;  // the one the wait is for
      for (const SocketIdentity& l : live) {
        if (IsConnectionOf(p, l)) return true;
      }
      return false;
    };
    // Any connection another live session holds stops the skip, idle or
    // not: lwIP times its FIN_WAIT_2 timeout from the connection's last
    // activity (pcb->tmr, which tcp_input() stops updating once the
    // application closed), so idle time skipped for one case would shorten
    // another's later FIN_WAIT_2 (seen: CLOSED 300 ms after close()).
    for (const tcp_pcb* p = tcp_active_pcbs; p != nullptr; p = p->next) {
      if (Busy(p) || held(p)) return false;
    }
    for (const tcp_pcb* p = tcp_tw_pcbs; p != nullptr; p = p->next) {
      if (held(p)) return false;
    }
    const u32_t due_in = sys_timeouts_sleeptime();
    if (due_in == SYS_TIMEOUTS_SLEEPTIME_INFINITE) return false;
    const int64_t left_ms = (until_ns - NowNs()) / 1'000'000;
    if (left_ms <= 0) return false;
    if (due_in > left_ms) {  // the wait ends before the timer: stop at its bound
      skipped_ms += left_ms;
      return true;
    }
    skipped_ms += due_in;
    sys_check_timeouts();
    return true;
  }

  void SetLiveConnections(std::function<std::vector<SocketIdentity>()> live) override {
    absl::MutexLock lock(&mu_);
    live_ = std::move(live);
  }

 private:
  absl::Mutex mu_;
  std::function<std::vector<SocketIdentity>()> live_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<StackClock> NewLwipFastForward() { return std::make_unique<LwipFastForward>(); }

}  // namespace closeprobe::agent

// lwIP's clock, in milliseconds: the host's monotonic clock plus the time
// skipped. Without fast-forward nothing is ever skipped.
extern "C" u32_t sys_now(void) {
  using closeprobe::agent::HostMonotonicNs;
  return static_cast<u32_t>(HostMonotonicNs() / 1'000'000 + closeprobe::agent::skipped_ms.load());
}
