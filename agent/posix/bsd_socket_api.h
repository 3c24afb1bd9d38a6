// BsdSocketApi: the SocketApi of a BSD-style socket interface, shared by the
// POSIX backend (the kernel's calls) and the lwIP backend (lwip_* calls over
// the host's socket types). `Calls` supplies the calls as static functions:
// Socket Bind Listen Accept Connect Send Recv Shutdown Close SetOpt GetOpt
// Fcntl Poll GetSockName GetPeerName, kNoSignal (the send flag that keeps
// EPIPE from raising SIGPIPE, 0 where no signal is raised) and kReadHangup
// (the POLLRDHUP bit, 0 where the stack has none).
//
// Deadlines on blocking sockets are kept with poll() before the call, so the
// call itself never blocks longer than the agent allows.
//
// Included only by platform files of BSD-socket platforms.
#ifndef CLOSEPROBE_AGENT_POSIX_BSD_SOCKET_API_H_
#define CLOSEPROBE_AGENT_POSIX_BSD_SOCKET_API_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <type_traits>

#include "agent/posix/sigpipe_hold.h"
#include "agent/sockaddr_endpoint.h"
#include "agent/socket_api.h"

namespace closeprobe::agent {
namespace bsd_internal {


// The one place a POSIX return value and errno become a CallResult.
inline CallResult Complete(int64_t ret) {
  CallResult r;
  r.ret = ret;
  if (ret < 0) r.native_error = errno;
  return r;
}

inline CallResult Unsupported() {
  CallResult r;
  r.ret = -1;
  r.native_error = ENOPROTOOPT;
  r.unsupported = true;
  return r;
}

// A stack that answers ENOPROTOOPT has no such option: mark it unsupported.
inline CallResult OptionResult(CallResult r) {
  if (r.native_error == ENOPROTOOPT) r.unsupported = true;
  return r;
}

inline CallResult TimedOut() {
  CallResult r;
  r.ret = -1;
  r.timed_out = true;
  return r;
}

inline int Fd(NativeSocket s) { return static_cast<int>(s); }

template <typename Calls>
bool IsBlocking(int fd) {
  const int flags = Calls::Fcntl(fd, F_GETFL, 0);
  return flags >= 0 && (flags & O_NONBLOCK) == 0;
}

inline int ToPollTimeoutMs(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

inline std::chrono::steady_clock::time_point DeadlineAfter(absl::Duration wait) {
  return std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(wait);
}

// Waits until `events` are ready (or an error/hangup is pending) or the
// deadline passes. Returns the poll revents, 0 on timeout.
template <typename Calls>
short WaitFor(int fd, short events,
              std::chrono::steady_clock::time_point deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int n = Calls::Poll(&p, 1, ToPollTimeoutMs(deadline));
    if (n > 0) return p.revents;
    if (n == 0) return 0;
    if (errno != EINTR) return POLLERR;
  }
}

struct OptionSpec {
  int level;
  int name;
};

inline bool LookupOption(SocketOption option, OptionSpec* spec) {
  switch (option) {
    case SocketOption::kLinger: *spec = {SOL_SOCKET, SO_LINGER}; return true;
    case SocketOption::kReuseAddr: *spec = {SOL_SOCKET, SO_REUSEADDR}; return true;
#ifdef SO_REUSEPORT
    case SocketOption::kReusePort: *spec = {SOL_SOCKET, SO_REUSEPORT}; return true;
#endif
    case SocketOption::kKeepAlive: *spec = {SOL_SOCKET, SO_KEEPALIVE}; return true;
#ifdef TCP_KEEPIDLE
    case SocketOption::kKeepIdle: *spec = {IPPROTO_TCP, TCP_KEEPIDLE}; return true;
#endif
    case SocketOption::kKeepIntvl: *spec = {IPPROTO_TCP, TCP_KEEPINTVL}; return true;
    case SocketOption::kKeepCnt: *spec = {IPPROTO_TCP, TCP_KEEPCNT}; return true;
#ifdef TCP_USER_TIMEOUT
    case SocketOption::kUserTimeout: *spec = {IPPROTO_TCP, TCP_USER_TIMEOUT}; return true;
#endif
    case SocketOption::kSndBuf: *spec = {SOL_SOCKET, SO_SNDBUF}; return true;
    case SocketOption::kRcvBuf: *spec = {SOL_SOCKET, SO_RCVBUF}; return true;
    case SocketOption::kNoDelay: *spec = {IPPROTO_TCP, TCP_NODELAY}; return true;
    case SocketOption::kError: *spec = {SOL_SOCKET, SO_ERROR}; return true;
    default: return false;
  }
}

inline bool IsBooleanOption(SocketOption option) {
  return option == SocketOption::kReuseAddr ||
         option == SocketOption::kReusePort ||
         option == SocketOption::kKeepAlive ||
         option == SocketOption::kNoDelay;
}

// Whether `Calls` has dup() (a stack with descriptors of the kernel's kind).
template <typename Calls, typename = void>
struct HasDup : std::false_type {};
template <typename Calls>
struct HasDup<Calls, std::void_t<decltype(Calls::Dup(0))>> : std::true_type {};

template <typename Calls>
class BsdSocketApi final : public SocketApi {
 public:
  CallResult Socket(Family family, NativeSocket* out) override {
    const int domain = family == Family::kInet6 ? AF_INET6 : AF_INET;
    CallResult r = Complete(Calls::Socket(domain));
    *out = r.ret >= 0 ? r.ret : kNoSocket;
    return r;
  }

  CallResult Bind(NativeSocket s, const Endpoint& local) override {
    sockaddr_storage ss;
    socklen_t len;
    if (!ToSockaddr(local, &ss, &len)) return Invalid();
    return Complete(Calls::Bind(Fd(s), reinterpret_cast<sockaddr*>(&ss), len));
  }

  CallResult Listen(NativeSocket s, int backlog) override {
    return Complete(Calls::Listen(Fd(s), backlog));
  }

  // A blocking accept tries first and waits only for an empty queue, as
  // Linux's inet_csk_accept() and gVisor's sentry do: a listener that is no
  // longer one (shut down) fails at once, readable or not. The socket is
  // non-blocking for the tries, so the agent's deadline bounds the wait.
  CallResult Accept(NativeSocket s, absl::Duration wait, NativeSocket* out,
                    Endpoint* peer) override {
    *out = kNoSocket;
    const int fd = Fd(s);
    const bool blocking = IsBlocking<Calls>(fd);
    const int flags = Calls::Fcntl(fd, F_GETFL, 0);
    if (blocking) Calls::Fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    const auto deadline = DeadlineAfter(wait);
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    CallResult r = Complete(Calls::Accept(fd, reinterpret_cast<sockaddr*>(&ss), &len));
    while (blocking && r.ret < 0 && (r.native_error == EAGAIN || r.native_error == EWOULDBLOCK)) {
      if (WaitFor<Calls>(fd, POLLIN, deadline) == 0) {
        r = TimedOut();
        break;
      }
      len = sizeof(ss);
      r = Complete(Calls::Accept(fd, reinterpret_cast<sockaddr*>(&ss), &len));
    }
    if (blocking) Calls::Fcntl(fd, F_SETFL, flags);
    if (r.ret >= 0 && blocking) {
      // A stack whose accepted sockets inherit O_NONBLOCK gets what the
      // blocking listener would have passed on.
      const int accepted = Calls::Fcntl(static_cast<int>(r.ret), F_GETFL, 0);
      if (accepted >= 0 && (accepted & O_NONBLOCK) != 0) {
        Calls::Fcntl(static_cast<int>(r.ret), F_SETFL, accepted & ~O_NONBLOCK);
      }
    }
    if (r.ret >= 0) {
      *out = r.ret;
      *peer = FromSockaddr(ss);
    }
    return r;
  }

  // A blocking connect is made non-blocking for the call and waited for
  // with poll, so the agent's deadline bounds it; the outcome is the one
  // the blocking call would have returned (SO_ERROR).
  CallResult Connect(NativeSocket s, const Endpoint& remote,
                     absl::Duration wait) override {
    sockaddr_storage ss;
    socklen_t len;
    if (!ToSockaddr(remote, &ss, &len)) return Invalid();
    const int fd = Fd(s);
    if (!IsBlocking<Calls>(fd)) {
      return Complete(Calls::Connect(fd, reinterpret_cast<sockaddr*>(&ss), len));
    }
    const int flags = Calls::Fcntl(fd, F_GETFL, 0);
    Calls::Fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    CallResult r = Complete(Calls::Connect(fd, reinterpret_cast<sockaddr*>(&ss), len));
    if (r.ret < 0 && r.native_error == EINPROGRESS) {
      if (WaitFor<Calls>(fd, POLLOUT, DeadlineAfter(wait)) == 0) {
        r = TimedOut();
      } else {
        int err = 0;
        socklen_t err_len = sizeof(err);
        Calls::GetOpt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
        r.ret = err == 0 ? 0 : -1;
        r.native_error = err;
      }
    }
    Calls::Fcntl(fd, F_SETFL, flags);
    return r;
  }

  CallResult Send(NativeSocket s, absl::string_view data, IoFlags flags,
                  absl::Duration wait) override {
    SigpipeHold hold(flags.allow_sigpipe);
    CallResult r = SendHeld(s, data, flags, wait);
    r.sigpipe_raised = hold.TakeRaised();
    return r;
  }

  // A blocking send is emulated with non-blocking sends and poll, so it
  // returns what the blocking call would (all bytes queued, or the error)
  // unless the deadline passes first.
  CallResult SendHeld(NativeSocket s, absl::string_view data, IoFlags flags,
                      absl::Duration wait) {
    const int fd = Fd(s);
    const int no_signal = flags.allow_sigpipe ? 0 : Calls::kNoSignal;
    if (flags.peek) return Invalid();
    if (!IsBlocking<Calls>(fd) || flags.dont_wait) {
      return Complete(Calls::Send(fd, data.data(), data.size(),
                                  no_signal | (flags.dont_wait ? MSG_DONTWAIT : 0)));
    }
    const auto deadline = DeadlineAfter(wait);
    size_t sent = 0;
    do {
      CallResult r = Complete(Calls::Send(fd, data.data() + sent, data.size() - sent,
                                         no_signal | MSG_DONTWAIT));
      if (r.ret >= 0) {
        sent += static_cast<size_t>(r.ret);
        continue;
      }
      if (r.native_error != EAGAIN && r.native_error != EWOULDBLOCK) {
        if (sent == 0) return r;
        break;  // like the blocking call: report what was queued
      }
      if (WaitFor<Calls>(fd, POLLOUT, deadline) == 0) {
        CallResult t = TimedOut();
        t.ret = static_cast<int64_t>(sent);
        return t;
      }
    } while (sent < data.size());
    return Complete(static_cast<int64_t>(sent));
  }

  // The call itself never blocks: a blocking one waits with poll first.
  CallResult Recv(NativeSocket s, size_t max_bytes, IoFlags flags,
                  absl::Duration wait, std::string* out) override {
    const int fd = Fd(s);
    if (!flags.dont_wait && IsBlocking<Calls>(fd) &&
        WaitFor<Calls>(fd, POLLIN, DeadlineAfter(wait)) == 0) {
      return TimedOut();
    }
    out->resize(max_bytes);
    CallResult r = Complete(Calls::Recv(fd, out->data(), max_bytes,
                                       (flags.peek ? MSG_PEEK : 0) | MSG_DONTWAIT));
    out->resize(r.ret > 0 ? static_cast<size_t>(r.ret) : 0);
    return r;
  }

  CallResult Shutdown(NativeSocket s, ShutdownHow how) override {
    const int native = how == ShutdownHow::kRead    ? SHUT_RD
                       : how == ShutdownHow::kWrite ? SHUT_WR
                                                    : SHUT_RDWR;
    return Complete(Calls::Shutdown(Fd(s), native));
  }

  CallResult Close(NativeSocket s) override { return Complete(Calls::Close(Fd(s))); }

  CallResult Dup(NativeSocket s, NativeSocket* out) override {
    *out = kNoSocket;
    if constexpr (HasDup<Calls>::value) {
      CallResult r = Complete(Calls::Dup(Fd(s)));
      if (r.ret >= 0) *out = r.ret;
      return r;
    } else {
      return SocketApi::Dup(s, out);
    }
  }

  CallResult SetOption(NativeSocket s, SocketOption option,
                       const OptionValue& value) override {
    OptionSpec spec;
    if (!LookupOption(option, &spec)) return Unsupported();
    if (option == SocketOption::kLinger) {
      linger l{value.linger_on ? 1 : 0, value.linger_seconds};
      return OptionResult(Complete(Calls::SetOpt(Fd(s), spec.level, spec.name, &l, sizeof(l))));
    }
    int v = IsBooleanOption(option) ? (value.enabled ? 1 : 0)
                                    : static_cast<int>(value.value);
    return OptionResult(Complete(Calls::SetOpt(Fd(s), spec.level, spec.name, &v, sizeof(v))));
  }

  CallResult GetOption(NativeSocket s, SocketOption option,
                       OptionValue* value) override {
    OptionSpec spec;
    if (!LookupOption(option, &spec)) return Unsupported();
    if (option == SocketOption::kLinger) {
      linger l{};
      socklen_t len = sizeof(l);
      CallResult r = OptionResult(Complete(Calls::GetOpt(Fd(s), spec.level, spec.name, &l, &len)));
      value->linger_on = l.l_onoff != 0;
      value->linger_seconds = l.l_linger;
      return r;
    }
    int v = 0;
    socklen_t len = sizeof(v);
    CallResult r = OptionResult(Complete(Calls::GetOpt(Fd(s), spec.level, spec.name, &v, &len)));
    value->enabled = v != 0;
    value->value = v;
    return r;
  }

  CallResult SetBlocking(NativeSocket s, bool blocking) override {
    const int flags = Calls::Fcntl(Fd(s), F_GETFL, 0);
    if (flags < 0) return Complete(-1);
    const int wanted = blocking ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK);
    return Complete(Calls::Fcntl(Fd(s), F_SETFL, wanted));
  }

  CallResult Poll(NativeSocket s, const PollEvents& wanted, absl::Duration wait,
                  PollEvents* fired) override {
    short events = (wanted.in ? POLLIN : 0) | (wanted.out ? POLLOUT : 0);
    if (wanted.read_hangup) {
      if (Calls::kReadHangup == 0) return Unsupported();
      events |= Calls::kReadHangup;
    }
    const short revents = WaitFor<Calls>(Fd(s), events, DeadlineAfter(wait));
    fired->in = (revents & POLLIN) != 0;
    fired->out = (revents & POLLOUT) != 0;
    fired->read_hangup = Calls::kReadHangup != 0 && (revents & Calls::kReadHangup) != 0;
    fired->hangup = (revents & POLLHUP) != 0;
    fired->error = (revents & POLLERR) != 0;
    fired->invalid = (revents & POLLNVAL) != 0;
    return Complete(revents != 0 ? 1 : 0);
  }
  CallResult Name(NativeSocket s, NameOf which, Endpoint* out) override {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    auto* a = reinterpret_cast<sockaddr*>(&ss);
    CallResult r = Complete(which == NameOf::kLocal ? Calls::GetSockName(Fd(s), a, &len)
                                                    : Calls::GetPeerName(Fd(s), a, &len));
    if (r.ret == 0) *out = FromSockaddr(ss);
    return r;
  }
  void Discard(NativeSocket s) override {
    linger off{0, 0};
    Calls::SetOpt(Fd(s), SOL_SOCKET, SO_LINGER, &off, sizeof(off));
    Calls::Close(Fd(s));
  }

 private:
  static CallResult Invalid() {
    CallResult r;
    r.ret = -1;
    r.native_error = EINVAL;
    return r;
  }
};

}  // namespace bsd_internal

template <typename Calls>
using BsdSocketApi = bsd_internal::BsdSocketApi<Calls>;

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_POSIX_BSD_SOCKET_API_H_
