// gVisor's socket calls (gvisor_abi.h), through the shared BSD socket logic.
// The Go side returns -errno; errno is set here, as a libc wrapper would.
#include <poll.h>

#include <cerrno>

#include "agent/gvisor/netstack/gvisor_abi.h"
#include "agent/gvisor/platform_gvisor.h"
#include "agent/bsd/bsd_socket_api.h"
#include "agent/bsd/unix_calls.h"

namespace closeprobe::agent {
namespace {

template <typename T>
T Ret(T r) {
  if (r >= 0) return r;
  errno = static_cast<int>(-r);
  return -1;
}

int* Len(socklen_t* l) { return reinterpret_cast<int*>(l); }
void* Addr(const sockaddr* a) { return const_cast<sockaddr*>(a); }

struct GvisorCalls : bsd::UnixCalls<GvisorCalls> {
  static constexpr int kNoSignal = 0;  // the stack raises no SIGPIPE
  static constexpr short kReadHangup = POLLRDHUP;
  static int Socket(int domain) { return Ret(closeprobe_gvisor_socket(domain)); }
  static int Bind(int s, const sockaddr* a, socklen_t l) {
    return Ret(closeprobe_gvisor_bind(s, Addr(a), static_cast<int>(l)));
  }
  static int Listen(int s, int backlog) { return Ret(closeprobe_gvisor_listen(s, backlog)); }
  static int Accept(int s, sockaddr* a, socklen_t* l) {
    return Ret(closeprobe_gvisor_accept(s, a, Len(l)));
  }
  static int Connect(int s, const sockaddr* a, socklen_t l) {
    return Ret(closeprobe_gvisor_connect(s, Addr(a), static_cast<int>(l)));
  }
  static ssize_t Send(int s, const void* d, size_t n, int f) {
    return Ret<ssize_t>(closeprobe_gvisor_send(s, const_cast<void*>(d), n, f));
  }
  static ssize_t Recv(int s, void* d, size_t n, int f) {
    return Ret<ssize_t>(closeprobe_gvisor_recv(s, d, n, f));
  }
  static int Shutdown(int s, int how) { return Ret(closeprobe_gvisor_shutdown(s, how)); }
  static int Close(int s) { return Ret(closeprobe_gvisor_close(s)); }
  static constexpr bsd::Absent Dup{
      "dup(): a gVisor netstack socket is one entry of the stack's own table, not a kernel descriptor with references to copy"};
  static int SetOpt(int s, int lv, int n, const void* v, socklen_t l) {
    return Ret(closeprobe_gvisor_setsockopt(s, lv, n, const_cast<void*>(v), static_cast<int>(l)));
  }
  static int GetOpt(int s, int lv, int n, void* v, socklen_t* l) {
    return Ret(closeprobe_gvisor_getsockopt(s, lv, n, v, Len(l)));
  }
  static int Fcntl(int s, int cmd, int v) { return Ret(closeprobe_gvisor_fcntl(s, cmd, v)); }
  static int Poll(pollfd* p, nfds_t n, int ms) {
    if (n != 1) return Ret(-EINVAL);  // the agent polls one socket at a time
    const int revents = closeprobe_gvisor_poll(p->fd, p->events, ms);
    if (revents < 0) return Ret(revents);
    p->revents = static_cast<short>(revents);
    return revents != 0 ? 1 : 0;
  }
  static int GetSockName(int s, sockaddr* a, socklen_t* l) {
    return Ret(closeprobe_gvisor_getsockname(s, a, Len(l)));
  }
  static int GetPeerName(int s, sockaddr* a, socklen_t* l) {
    return Ret(closeprobe_gvisor_getpeername(s, a, Len(l)));
  }
};

}  // namespace

std::unique_ptr<SocketApi> NewGvisorSocketApi() {
  return std::make_unique<BsdSocketApi<GvisorCalls>>();
}

}  // namespace closeprobe::agent
