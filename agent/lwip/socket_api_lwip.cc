// lwIP's socket calls (lwip_socket, lwip_close, ...), through the shared BSD
// socket logic. This lwIP build uses the host's socket types and sets errno
// with Linux's numbers.
#include "agent/lwip/platform_lwip.h"
#include "agent/bsd/bsd_socket_api.h"
#include "agent/bsd/unix_calls.h"

#include <poll.h>

extern "C" {
#include "lwip/sockets.h"
}

namespace closeprobe::agent {
namespace {

struct LwipCalls : bsd::UnixCalls<LwipCalls> {
  static constexpr int kNoSignal = 0;  // lwIP raises no SIGPIPE
  // Asked for as an application would; lwip_poll ignores it and reports
  // IN, OUT and ERR only (lwip_pollscan), which is the observation.
  static constexpr short kReadHangup = POLLRDHUP;
  // A blocking write the connection's error ends fails whole, whatever it
  // queued: src/api/api_msg.c err_tcp() gives the waiting write the error
  // ("Write and connect fail"), src/api/api_lib.c netconn_write_vectors_partly()
  // sets bytes_written only on ERR_OK, src/api/sockets.c lwip_send() returns -1.
  static constexpr bool kBlockingSendFailsWhole = true;
  static int Socket(int domain) { return lwip_socket(domain, SOCK_STREAM, 0); }
  static int Bind(int s, const sockaddr* a, socklen_t l) { return lwip_bind(s, a, l); }
  static int Listen(int s, int backlog) { return lwip_listen(s, backlog); }
  static int Accept(int s, sockaddr* a, socklen_t* l) { return lwip_accept(s, a, l); }
  static int Connect(int s, const sockaddr* a, socklen_t l) { return lwip_connect(s, a, l); }
  static ssize_t Send(int s, const void* d, size_t n, int f) { return lwip_send(s, d, n, f); }
  static ssize_t Recv(int s, void* d, size_t n, int f) { return lwip_recv(s, d, n, f); }
  static int Shutdown(int s, int how) { return lwip_shutdown(s, how); }
  static int Close(int s) { return lwip_close(s); }
  static constexpr bsd::Absent Dup{
      "dup(): an lwIP socket is one entry of the stack's own table, not a kernel descriptor with references to copy"};
  static int SetOpt(int s, int lv, int n, const void* v, socklen_t l) {
    return lwip_setsockopt(s, lv, n, v, l);
  }
  static int GetOpt(int s, int lv, int n, void* v, socklen_t* l) {
    return lwip_getsockopt(s, lv, n, v, l);
  }
  static int Fcntl(int s, int cmd, int v) { return lwip_fcntl(s, cmd, v); }
  static int Poll(pollfd* p, nfds_t n, int ms) { return lwip_poll(p, n, ms); }
  static int GetSockName(int s, sockaddr* a, socklen_t* l) { return lwip_getsockname(s, a, l); }
  static int GetPeerName(int s, sockaddr* a, socklen_t* l) { return lwip_getpeername(s, a, l); }
};

}  // namespace

std::unique_ptr<SocketApi> NewLwipSocketApi() {
  return std::make_unique<BsdSocketApi<LwipCalls>>();
}

}  // namespace closeprobe::agent
