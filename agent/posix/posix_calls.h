// The kernel's socket calls as a Calls row of the shared BSD body
// (bsd/bsd_socket_api.h): Linux's, and BSD's and macOS's where they have
// the same flags.
#ifndef CLOSEPROBE_AGENT_POSIX_POSIX_CALLS_H_
#define CLOSEPROBE_AGENT_POSIX_POSIX_CALLS_H_

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/bsd/unix_calls.h"
#include "agent/posix/sigpipe_hold.h"

namespace closeprobe::agent {

struct PosixCalls : bsd::UnixCalls<PosixCalls> {
  static constexpr int kNoSignal = MSG_NOSIGNAL;
  using SignalHold = SigpipeHold;  // the kernel raises SIGPIPE in the sending thread
  static constexpr short kReadHangup = POLLRDHUP;
  static int Socket(int domain) { return socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0); }
  static int Bind(int s, const sockaddr* a, socklen_t l) { return bind(s, a, l); }
  static int Listen(int s, int backlog) { return listen(s, backlog); }
  static int Accept(int s, sockaddr* a, socklen_t* l) { return accept4(s, a, l, SOCK_CLOEXEC); }
  static int Connect(int s, const sockaddr* a, socklen_t l) { return connect(s, a, l); }
  static ssize_t Send(int s, const void* d, size_t n, int f) { return send(s, d, n, f); }
  static ssize_t Recv(int s, void* d, size_t n, int f) { return recv(s, d, n, f); }
  static int Shutdown(int s, int how) { return shutdown(s, how); }
  static int Close(int s) { return close(s); }
  static int Dup(int s) { return fcntl(s, F_DUPFD_CLOEXEC, 0); }
  static int SetOpt(int s, int lv, int n, const void* v, socklen_t l) {
    return setsockopt(s, lv, n, v, l);
  }
  static int GetOpt(int s, int lv, int n, void* v, socklen_t* l) {
    return getsockopt(s, lv, n, v, l);
  }
  static int Fcntl(int s, int cmd, int v) { return fcntl(s, cmd, v); }
  static int Poll(pollfd* p, nfds_t n, int ms) { return poll(p, n, ms); }
  static int GetSockName(int s, sockaddr* a, socklen_t* l) { return getsockname(s, a, l); }
  static int GetPeerName(int s, sockaddr* a, socklen_t* l) { return getpeername(s, a, l); }
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_POSIX_POSIX_CALLS_H_
