// The kernel's Calls row (agent/posix/posix_calls.h) with a poll() that a
// test can break: the agent's own machinery failing, which no stack
// reports. `mode` is shared by every socket of the row.
#ifndef CLOSEPROBE_TESTS_TESTUTIL_BROKEN_POLL_POSIX_H_
#define CLOSEPROBE_TESTS_TESTUTIL_BROKEN_POLL_POSIX_H_

#include <atomic>
#include <cerrno>

#include "agent/posix/posix_calls.h"

namespace closeprobe::testing {

struct BrokenPollCalls : agent::PosixCalls {
  enum class Mode {
    kWorks,        // the kernel's poll()
    kFails,        // poll() itself fails with ENOMEM
    kAlwaysReady,  // poll() reports an error event at once, whatever the socket holds
  };
  static inline std::atomic<Mode> mode{Mode::kWorks};

  static int Poll(pollfd* p, nfds_t n, int ms) {
    switch (mode.load()) {
      case Mode::kFails:
        errno = ENOMEM;
        return -1;
      case Mode::kAlwaysReady:
        for (nfds_t i = 0; i < n; ++i) p[i].revents = POLLERR;
        return static_cast<int>(n);
      case Mode::kWorks:
        break;
    }
    return agent::PosixCalls::Poll(p, n, ms);
  }
};

}  // namespace closeprobe::testing

#endif  // CLOSEPROBE_TESTS_TESTUTIL_BROKEN_POLL_POSIX_H_
