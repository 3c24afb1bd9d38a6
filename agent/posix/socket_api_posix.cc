// POSIX socket calls (Linux; also builds on BSD and macOS), through the
// shared BSD socket logic.
#include "agent/posix/socket_api_posix.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/posix/bsd_socket_api.h"

namespace closeprobe::agent {
namespace {

struct PosixCalls {
  static constexpr int kNoSignal = MSG_NOSIGNAL;
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

}  // namespace

std::unique_ptr<SocketApi> NewPosixSocketApi() {
  return std::make_unique<BsdSocketApi<PosixCalls>>();
}

}  // namespace closeprobe::agent
