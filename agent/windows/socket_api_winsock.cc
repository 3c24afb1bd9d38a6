// Winsock's socket calls, through the shared BSD socket logic
// (bsd/bsd_socket_api.h). Winsock cannot tell whether a socket is
// non-blocking, so this row remembers the mode it set on each socket (the
// blocking-mode shim); it has no MSG_DONTWAIT and no POLLRDHUP.
#include "agent/windows/socket_api_winsock.h"

#include <winsock2.h>
#include <ws2tcpip.h>

#include <mutex>
#include <set>

// IPPROTO_TCP keepalive options of Windows 10 1709 and later
// (learn.microsoft.com: "IPPROTO_TCP socket options"); older mingw headers
// lack them, older Windows answers WSAENOPROTOOPT (shown as not supported).
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE 3
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 17
#endif

#include "agent/bsd/bsd_socket_api.h"
#include "agent/bsd/no_signal_hold.h"

namespace closeprobe::agent {
namespace {

// The mode each socket was set to: Winsock keeps it but never tells.
class BlockingModes {
 public:
  bool IsBlocking(SOCKET s) {
    std::lock_guard<std::mutex> lock(mu_);
    return nonblocking_.count(s) == 0;
  }
  void Set(SOCKET s, bool blocking) {
    std::lock_guard<std::mutex> lock(mu_);
    if (blocking) {
      nonblocking_.erase(s);
    } else {
      nonblocking_.insert(s);
    }
  }

 private:
  std::mutex mu_;
  std::set<SOCKET> nonblocking_;
};

BlockingModes& Modes() {
  static BlockingModes* modes = new BlockingModes;
  return *modes;
}

struct WinsockCalls : bsd::OptionalCalls {
  using Handle = SOCKET;
  static constexpr int kWouldBlock = WSAEWOULDBLOCK;
  static constexpr int kInProgress = WSAEWOULDBLOCK;  // a non-blocking connect under way
  static constexpr int kInterrupted = WSAEINTR;
  static constexpr int kNoProtoOpt = WSAENOPROTOOPT;
  static constexpr int kInvalid = WSAEINVAL;
  static constexpr int kShutRead = SD_RECEIVE;
  static constexpr int kShutWrite = SD_SEND;
  static constexpr int kShutBoth = SD_BOTH;
  static constexpr int kNoSignal = 0;     // Winsock raises no SIGPIPE
  using SignalHold = bsd::NoSignalHold;
  static constexpr int kDontWait = 0;     // no MSG_DONTWAIT
  static constexpr short kReadHangup = 0;  // WSAPoll has no POLLRDHUP

  static int LastError() { return WSAGetLastError(); }
  static SOCKET Socket(int domain) { return socket(domain, SOCK_STREAM, IPPROTO_TCP); }
  static int Bind(SOCKET s, const sockaddr* a, int l) { return bind(s, a, l); }
  static int Listen(SOCKET s, int backlog) { return listen(s, backlog); }
  // An accepted socket has the listening socket's mode (accept(), Remarks).
  static SOCKET Accept(SOCKET s, sockaddr* a, int* l) {
    const SOCKET accepted = accept(s, a, l);
    if (accepted != INVALID_SOCKET) Modes().Set(accepted, Modes().IsBlocking(s));
    return accepted;
  }
  static int Connect(SOCKET s, const sockaddr* a, int l) { return connect(s, a, l); }
  static int Send(SOCKET s, const char* d, size_t n, int f) {
    return send(s, d, static_cast<int>(n), f);
  }
  static int Recv(SOCKET s, char* d, size_t n, int f) {
    return recv(s, d, static_cast<int>(n), f);
  }
  static int Shutdown(SOCKET s, int how) { return shutdown(s, how); }
  static int Close(SOCKET s) {
    const int r = closesocket(s);
    if (r == 0) Modes().Set(s, true);
    return r;
  }
  // WSADuplicateSocket makes a socket for another process, not a second
  // reference in this one.
  static constexpr bsd::Absent Dup{"dup(): Winsock has no second handle on one socket in a process"};
  static int SetOpt(SOCKET s, int lv, int n, const void* v, int l) {
    return setsockopt(s, lv, n, static_cast<const char*>(v), l);
  }
  static int GetOpt(SOCKET s, int lv, int n, void* v, int* l) {
    return getsockopt(s, lv, n, static_cast<char*>(v), l);
  }
  // WSAPoll wants POLLRDNORM for POLLIN (POLLIN includes POLLRDBAND).
  static int Poll(pollfd* p, ULONG n, int ms) {
    for (ULONG i = 0; i < n; ++i) {
      if ((p[i].events & POLLIN) != 0) {
        p[i].events = static_cast<SHORT>((p[i].events & ~POLLIN) | POLLRDNORM);
      }
    }
    return WSAPoll(p, n, ms);
  }
  static int GetSockName(SOCKET s, sockaddr* a, int* l) { return getsockname(s, a, l); }
  static int GetPeerName(SOCKET s, sockaddr* a, int* l) { return getpeername(s, a, l); }
  static bool IsBlocking(SOCKET s) { return Modes().IsBlocking(s); }
  static int SetBlocking(SOCKET s, bool on) {
    u_long mode = on ? 0 : 1;
    const int r = ioctlsocket(s, FIONBIO, &mode);
    if (r == 0) Modes().Set(s, on);
    return r;
  }
};

}  // namespace

WinsockSession::WinsockSession() {
  WSADATA data;
  error_ = WSAStartup(MAKEWORD(2, 2), &data);
}

WinsockSession::~WinsockSession() {
  if (error_ == 0) WSACleanup();
}

std::unique_ptr<SocketApi> NewWinsockSocketApi() {
  return std::make_unique<BsdSocketApi<WinsockCalls>>();
}

}  // namespace closeprobe::agent
