// What the Calls rows of BsdSocketApi (bsd_socket_api.h) share on a stack
// with Unix conventions: errors in errno with the host's numbers, the
// blocking mode in O_NONBLOCK through the row's own Fcntl, SHUT_* and
// MSG_DONTWAIT, and no SIGPIPE (the kernel's row holds one). The kernel's,
// lwIP's and gVisor's rows derive from it as `struct XCalls : UnixCalls<XCalls>`.
#ifndef CLOSEPROBE_AGENT_BSD_UNIX_CALLS_H_
#define CLOSEPROBE_AGENT_BSD_UNIX_CALLS_H_

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

#include "agent/bsd/no_signal_hold.h"
#include "agent/bsd/bsd_socket_api.h"  // OptionalCalls

namespace closeprobe::agent::bsd {

template <typename Row>
struct UnixCalls : OptionalCalls {
  using Handle = int;
  using SignalHold = NoSignalHold;
  static constexpr int kWouldBlock = EWOULDBLOCK;
  static constexpr int kInProgress = EINPROGRESS;
  static constexpr int kInterrupted = EINTR;
  static constexpr int kNoProtoOpt = ENOPROTOOPT;
  static constexpr int kInvalid = EINVAL;
  static constexpr int kShutRead = SHUT_RD;
  static constexpr int kShutWrite = SHUT_WR;
  static constexpr int kShutBoth = SHUT_RDWR;
  static constexpr int kDontWait = MSG_DONTWAIT;
  static_assert(EAGAIN == EWOULDBLOCK, "a would-block error has one number here");

  static int LastError() { return errno; }
  static bool IsBlocking(int s) {
    const int flags = Row::Fcntl(s, F_GETFL, 0);
    return flags >= 0 && (flags & O_NONBLOCK) == 0;
  }
  static int SetBlocking(int s, bool on) {
    const int flags = Row::Fcntl(s, F_GETFL, 0);
    if (flags < 0) return -1;
    return Row::Fcntl(s, F_SETFL, on ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK));
  }
};

}  // namespace closeprobe::agent::bsd

#endif  // CLOSEPROBE_AGENT_BSD_UNIX_CALLS_H_
