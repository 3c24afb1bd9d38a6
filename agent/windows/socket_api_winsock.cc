#include "agent/windows/socket_api_winsock.h"

#include <winsock2.h>
#include <ws2tcpip.h>

#include <chrono>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include "agent/sockaddr_endpoint.h"

namespace closeprobe::agent {
namespace {

// IPPROTO_TCP keepalive options of Windows 10 1709 and later
// (learn.microsoft.com: "IPPROTO_TCP socket options"); older mingw headers
// lack them, older Windows answers WSAENOPROTOOPT (shown as not supported).
#ifndef TCP_KEEPIDLE
constexpr int TCP_KEEPIDLE = 3;
#endif
#ifndef TCP_KEEPCNT
constexpr int TCP_KEEPCNT = 16;
#endif
#ifndef TCP_KEEPINTVL
constexpr int TCP_KEEPINTVL = 17;
#endif

using Clock = std::chrono::steady_clock;

SOCKET Sock(NativeSocket s) { return static_cast<SOCKET>(s); }

CallResult Complete(int64_t ret, bool failed) {
  CallResult r;
  r.ret = ret;
  if (failed) r.native_error = WSAGetLastError();
  return r;
}
CallResult Complete(int ret) { return Complete(ret, ret == SOCKET_ERROR); }

CallResult Unsupported() {
  CallResult r;
  r.ret = -1;
  r.native_error = WSAENOPROTOOPT;
  r.unsupported = true;
  return r;
}

CallResult TimedOut() {
  CallResult r;
  r.ret = -1;
  r.timed_out = true;
  return r;
}

CallResult Invalid() {
  CallResult r;
  r.ret = -1;
  r.native_error = WSAEINVAL;
  return r;
}

// Whole milliseconds of a wait. absl's Duration conversions live in its
// library, which the Wine self-test does not link; comparisons are inline.
int64_t WaitMs(absl::Duration wait) {
  if (wait <= absl::ZeroDuration()) return 0;
  int64_t lo = 0, hi = int64_t{1} << 40;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    if (absl::Milliseconds(mid) <= wait) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

Clock::time_point DeadlineAfter(absl::Duration wait) {
  return Clock::now() + std::chrono::milliseconds(WaitMs(wait));
}

int PollTimeoutMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - Clock::now())
                        .count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Waits until `events` are ready (or an error/hangup is pending) or the
// deadline passes: the revents, 0 on timeout.
short WaitFor(SOCKET s, short events, Clock::time_point deadline) {
  WSAPOLLFD p{s, events, 0};
  const int n = WSAPoll(&p, 1, PollTimeoutMs(deadline));
  if (n > 0) return p.revents;
  return n == 0 ? 0 : POLLERR;
}

struct OptionSpec {
  int level;
  int name;
  bool boolean;
};

bool LookupOption(SocketOption option, OptionSpec* spec) {
  switch (option) {
    case SocketOption::kReuseAddr:
      *spec = {SOL_SOCKET, SO_REUSEADDR, true};
      return true;
    case SocketOption::kExclusiveAddrUse:
      *spec = {SOL_SOCKET, SO_EXCLUSIVEADDRUSE, true};
      return true;
    case SocketOption::kKeepAlive:
      *spec = {SOL_SOCKET, SO_KEEPALIVE, true};
      return true;
    case SocketOption::kKeepIdle:
      *spec = {IPPROTO_TCP, TCP_KEEPIDLE, false};
      return true;
    case SocketOption::kKeepIntvl:
      *spec = {IPPROTO_TCP, TCP_KEEPINTVL, false};
      return true;
    case SocketOption::kKeepCnt:
      *spec = {IPPROTO_TCP, TCP_KEEPCNT, false};
      return true;
    case SocketOption::kSndBuf:
      *spec = {SOL_SOCKET, SO_SNDBUF, false};
      return true;
    case SocketOption::kRcvBuf:
      *spec = {SOL_SOCKET, SO_RCVBUF, false};
      return true;
    case SocketOption::kNoDelay:
      *spec = {IPPROTO_TCP, TCP_NODELAY, true};
      return true;
    case SocketOption::kError:
      *spec = {SOL_SOCKET, SO_ERROR, false};
      return true;
    default:
      return false;  // SO_REUSEPORT, TCP_USER_TIMEOUT: Windows has none
  }
}

class WinsockSocketApi final : public SocketApi {
 public:
  CallResult Socket(Family family, NativeSocket* out) override {
    const SOCKET s = socket(family == Family::kInet6 ? AF_INET6 : AF_INET,
                            SOCK_STREAM, IPPROTO_TCP);
    CallResult r = Complete(s == INVALID_SOCKET ? -1 : static_cast<int64_t>(s),
                            s == INVALID_SOCKET);
    *out = s == INVALID_SOCKET ? kNoSocket : static_cast<NativeSocket>(s);
    return r;
  }

  CallResult Bind(NativeSocket s, const Endpoint& local) override {
    sockaddr_storage ss;
    int len = 0;
    if (!ToSockaddr(local, &ss, &len)) return Invalid();
    return Complete(bind(Sock(s), reinterpret_cast<sockaddr*>(&ss), len));
  }

  CallResult Listen(NativeSocket s, int backlog) override {
    return Complete(listen(Sock(s), backlog));
  }

  CallResult Accept(NativeSocket s, absl::Duration wait, NativeSocket* out,
                    Endpoint* peer) override {
    *out = kNoSocket;
    if (IsBlocking(s) &&
        WaitFor(Sock(s), POLLRDNORM, DeadlineAfter(wait)) == 0) {
      return TimedOut();
    }
    sockaddr_storage ss{};
    int len = sizeof(ss);
    const SOCKET a = accept(Sock(s), reinterpret_cast<sockaddr*>(&ss), &len);
    CallResult r = Complete(a == INVALID_SOCKET ? -1 : static_cast<int64_t>(a),
                            a == INVALID_SOCKET);
    if (a != INVALID_SOCKET) {
      *out = static_cast<NativeSocket>(a);
      *peer = FromSockaddr(ss);
    }
    return r;
  }

  // A blocking connect is made non-blocking for the call and waited for with
  // WSAPoll, so the agent's deadline bounds it; the outcome is SO_ERROR.
  CallResult Connect(NativeSocket s, const Endpoint& remote,
                     absl::Duration wait) override {
    sockaddr_storage ss;
    int len = 0;
    if (!ToSockaddr(remote, &ss, &len)) return Invalid();
    if (!IsBlocking(s))
      return Complete(connect(Sock(s), reinterpret_cast<sockaddr*>(&ss), len));
    SetNonBlocking(Sock(s), true);
    CallResult r =
        Complete(connect(Sock(s), reinterpret_cast<sockaddr*>(&ss), len));
    if (r.ret < 0 && r.native_error == WSAEWOULDBLOCK) {
      const short revents = WaitFor(Sock(s), POLLWRNORM, DeadlineAfter(wait));
      if (revents == 0) {
        r = TimedOut();
      } else {
        int err = 0;
        int err_len = sizeof(err);
        getsockopt(Sock(s), SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err),
                   &err_len);
        r.ret = err == 0 ? 0 : -1;
        r.native_error = err;
      }
    }
    SetNonBlocking(Sock(s), false);
    return r;
  }

  // A blocking send is emulated with non-blocking sends and WSAPoll: all
  // bytes queued, or the error, unless the deadline passes first. Winsock
  // has no MSG_DONTWAIT.
  CallResult Send(NativeSocket s, absl::string_view data, IoFlags flags,
                  absl::Duration wait) override {
    if (flags.dont_wait) return Unsupported();
    if (flags.peek) return Invalid();
    if (!IsBlocking(s)) return SendOnce(s, data);
    const auto deadline = DeadlineAfter(wait);
    SetNonBlocking(Sock(s), true);
    size_t sent = 0;
    bool timed_out = false;
    CallResult r;
    do {
      r = SendOnce(s,
                   absl::string_view(data.data() + sent, data.size() - sent));
      if (r.ret >= 0) {
        sent += static_cast<size_t>(r.ret);
        continue;
      }
      if (r.native_error != WSAEWOULDBLOCK) break;
      timed_out = WaitFor(Sock(s), POLLWRNORM, deadline) == 0;
    } while (!timed_out && sent < data.size());
    SetNonBlocking(Sock(s), false);
    if (timed_out) {
      CallResult t = TimedOut();
      t.ret = static_cast<int64_t>(sent);
      return t;
    }
    if (r.ret < 0 && sent == 0) return r;  // failed before anything was queued
    return Complete(static_cast<int64_t>(sent), false);
  }

  CallResult Recv(NativeSocket s, size_t max_bytes, IoFlags flags,
                  absl::Duration wait, std::string* out) override {
    if (flags.dont_wait) return Unsupported();
    if (IsBlocking(s) &&
        WaitFor(Sock(s), POLLRDNORM, DeadlineAfter(wait)) == 0) {
      return TimedOut();
    }
    out->resize(max_bytes);
    const int n = recv(Sock(s), out->data(), static_cast<int>(max_bytes),
                       flags.peek ? MSG_PEEK : 0);
    CallResult r = Complete(n);
    out->resize(n > 0 ? static_cast<size_t>(n) : 0);
    return r;
  }

  CallResult Shutdown(NativeSocket s, ShutdownHow how) override {
    const int native = how == ShutdownHow::kRead    ? SD_RECEIVE
                       : how == ShutdownHow::kWrite ? SD_SEND
                                                    : SD_BOTH;
    return Complete(shutdown(Sock(s), native));
  }

  CallResult Close(NativeSocket s) override {
    CallResult r = Complete(closesocket(Sock(s)));
    if (r.ret == 0) Forget(s);
    return r;
  }

  CallResult SetOption(NativeSocket s, SocketOption option,
                       const OptionValue& value) override {
    if (option == SocketOption::kLinger) {
      // SO_DONTLINGER is SO_LINGER with l_onoff 0.
      linger l{static_cast<u_short>(value.linger_on ? 1 : 0),
               static_cast<u_short>(value.linger_seconds)};
      return OptionResult(
          Complete(setsockopt(Sock(s), SOL_SOCKET, SO_LINGER,
                              reinterpret_cast<const char*>(&l), sizeof(l))));
    }
    OptionSpec spec;
    if (!LookupOption(option, &spec)) return Unsupported();
    const DWORD v = spec.boolean ? (value.enabled ? 1 : 0)
                                 : static_cast<DWORD>(value.value);
    return OptionResult(
        Complete(setsockopt(Sock(s), spec.level, spec.name,
                            reinterpret_cast<const char*>(&v), sizeof(v))));
  }

  CallResult GetOption(NativeSocket s, SocketOption option,
                       OptionValue* value) override {
    if (option == SocketOption::kLinger) {
      linger l{};
      int len = sizeof(l);
      CallResult r = OptionResult(Complete(getsockopt(
          Sock(s), SOL_SOCKET, SO_LINGER, reinterpret_cast<char*>(&l), &len)));
      value->linger_on = l.l_onoff != 0;
      value->linger_seconds = l.l_linger;
      return r;
    }
    OptionSpec spec;
    if (!LookupOption(option, &spec)) return Unsupported();
    DWORD v = 0;
    int len = sizeof(v);
    CallResult r = OptionResult(Complete(getsockopt(
        Sock(s), spec.level, spec.name, reinterpret_cast<char*>(&v), &len)));
    value->enabled = v != 0;
    value->value = static_cast<int64_t>(v);
    return r;
  }

  // Winsock cannot tell whether a socket is non-blocking: the mode each
  // socket was set to is remembered here.
  CallResult SetBlocking(NativeSocket s, bool blocking) override {
    CallResult r = SetNonBlocking(Sock(s), !blocking);
    if (r.ret == 0) {
      std::lock_guard<std::mutex> lock(mu_);
      if (blocking) {
        nonblocking_.erase(s);
      } else {
        nonblocking_.insert(s);
      }
    }
    return r;
  }

  // WSAPoll has no POLLRDHUP.
  CallResult Poll(NativeSocket s, const PollEvents& wanted, absl::Duration wait,
                  PollEvents* fired) override {
    if (wanted.read_hangup) return Unsupported();
    const short events = (wanted.in ? POLLRDNORM : 0) | (wanted.out ? POLLWRNORM : 0);
    const short revents = WaitFor(Sock(s), events, DeadlineAfter(wait));
    fired->in = (revents & (POLLRDNORM | POLLIN)) != 0;
    fired->out = (revents & (POLLWRNORM | POLLOUT)) != 0;
    fired->hangup = (revents & POLLHUP) != 0;
    fired->error = (revents & POLLERR) != 0;
    fired->invalid = (revents & POLLNVAL) != 0;
    CallResult r;
    r.ret = revents != 0 ? 1 : 0;
    return r;
  }

  CallResult Name(NativeSocket s, NameOf which, Endpoint* out) override {
    sockaddr_storage ss{};
    int len = sizeof(ss);
    auto* a = reinterpret_cast<sockaddr*>(&ss);
    CallResult r = Complete(which == NameOf::kLocal ? getsockname(Sock(s), a, &len)
                                                    : getpeername(Sock(s), a, &len));
    if (r.ret == 0) *out = FromSockaddr(ss);
    return r;
  }

  void Discard(NativeSocket s) override {
    // A hard close never blocks.
    linger l{1, 0};
    setsockopt(Sock(s), SOL_SOCKET, SO_LINGER,
               reinterpret_cast<const char*>(&l), sizeof(l));
    closesocket(Sock(s));
    Forget(s);
  }

 private:
  static CallResult SetNonBlocking(SOCKET s, bool on) {
    u_long mode = on ? 1 : 0;
    return Complete(ioctlsocket(s, FIONBIO, &mode));
  }

  // A stack that answers WSAENOPROTOOPT has no such option.
  static CallResult OptionResult(CallResult r) {
    if (r.native_error == WSAENOPROTOOPT) r.unsupported = true;
    return r;
  }

  static CallResult SendOnce(NativeSocket s, absl::string_view data) {
    return Complete(
        send(Sock(s), data.data(), static_cast<int>(data.size()), 0));
  }

  bool IsBlocking(NativeSocket s) {
    std::lock_guard<std::mutex> lock(mu_);
    return nonblocking_.count(s) == 0;
  }

  void Forget(NativeSocket s) {
    std::lock_guard<std::mutex> lock(mu_);
    nonblocking_.erase(s);
  }

  std::mutex mu_;
  std::set<NativeSocket> nonblocking_;
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
  return std::make_unique<WinsockSocketApi>();
}

}  // namespace closeprobe::agent
