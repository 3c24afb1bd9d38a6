// BsdSocketApi: the SocketApi of a BSD-style socket interface, one body for
// every stack that has one: the kernel's (posix/), lwIP's (lwip/), gVisor's
// netstack (gvisor/) and Winsock (windows/). Each stack gives a `Calls` row:
//
//   using Handle: its socket type (int, or Winsock's SOCKET);
//   static calls with the BSD signatures: Socket(domain) Bind Listen Accept
//     Connect Send Recv Shutdown Close SetOpt GetOpt Poll GetSockName
//     GetPeerName, returning -1 (or INVALID_SOCKET) on failure;
//   LastError(): the error of the call that just failed (errno,
//     WSAGetLastError());
//   IsBlocking(h), SetBlocking(h, on): the socket's blocking mode;
//   error numbers kWouldBlock kInProgress kInterrupted kNoProtoOpt kInvalid;
//   kShutRead kShutWrite kShutBoth: shutdown()'s `how`;
//   kBlockingSendFailsWhole: what a blocking send that fails after queueing
//     part of its data returns: -1 and the error where true (lwIP), the
//     count it queued where false (the default: Linux, gVisor);
//   kNoSignal: the send flag that keeps EPIPE from raising SIGPIPE (0 where
//     no signal is raised), and SignalHold: what holds a SIGPIPE that a send
//     asked to allow (posix/sigpipe_hold.h; bsd/no_signal_hold.h where the
//     stack raises none); kDontWait: MSG_DONTWAIT, and kReadHangup: the
//     POLLRDHUP bit, each 0 where the stack has none (asking for it answers
//     not supported).
//
// A stack without one of the calls says so in its row with
// `static constexpr Absent Name{"why"}`: that step then answers not
// supported with the reason, and the rest of the body still serves it.
// Every row derives from OptionalCalls (UnixCalls does), where each call
// not every stack has is Absent until a row declares its own: a new such
// call is a line there and the rows that make it, no line in the others.
//
// Deadlines on blocking sockets are kept with poll: a blocking call is made
// on the socket switched to non-blocking for the call and waited for, so no
// call blocks longer than the agent allows and the outcome is the one the
// blocking call would have had. A poll (or read of SO_ERROR) that itself
// fails ends the call as the agent's fault (CallResult::agent_fault): the
// stack reported nothing, so nothing is reported for it.
//
// Included only by the platform files that give a row.
#ifndef CLOSEPROBE_AGENT_BSD_BSD_SOCKET_API_H_
#define CLOSEPROBE_AGENT_BSD_BSD_SOCKET_API_H_

#include <chrono>
#include <string>
#include <type_traits>
#include <utility>

#include "agent/bsd/socket_headers.h"
#include "agent/bsd/sockaddr_endpoint.h"
#include "agent/bsd/socket_options.h"
#include "agent/socket_api.h"

namespace closeprobe::agent {
namespace bsd {

// What a Calls row gives in place of a call its stack does not have.
struct Absent {
  const char* reason;
};

// The calls a row may leave out, and the behaviours it may differ in. A
// row's own declaration hides the one here.
struct OptionalCalls {
  static constexpr Absent Dup{"dup(): the agent does not make it on this stack"};
  // Linux: net/ipv4/tcp.c tcp_sendmsg_locked(), `do_error: if (copied +
  // copied_syn) goto out;`. gVisor: pkg/sentry/syscalls/linux/error.go
  // handleIOErrorImpl() consumes ECONNRESET, EPIPE... after a partial write.
  static constexpr bool kBlockingSendFailsWhole = false;
};

template <typename Call>
inline constexpr bool kIsAbsent = std::is_same_v<std::decay_t<Call>, Absent>;

inline int ToPollTimeoutMs(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

inline std::chrono::steady_clock::time_point DeadlineAfter(absl::Duration wait) {
  return std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(wait);
}

inline bool Passed(std::chrono::steady_clock::time_point deadline) {
  return std::chrono::steady_clock::now() >= deadline;
}

template <typename Calls>
class BsdSocketApi final : public SocketApi {
  using Handle = typename Calls::Handle;

 public:
  CallResult Socket(v1::AddressFamily family, NativeSocket* out) override {
    const int domain = family == v1::ADDRESS_FAMILY_INET6 ? AF_INET6 : AF_INET;
    CallResult r = Do(Calls::Socket, domain);
    *out = r.ret >= 0 ? r.ret : kNoSocket;
    return r;
  }

  CallResult Bind(NativeSocket s, const Endpoint& local) override {
    sockaddr_storage ss;
    socklen_t len;
    if (!ToSockaddr(local, &ss, &len)) return Invalid();
    return Do(Calls::Bind, H(s), reinterpret_cast<sockaddr*>(&ss), len);
  }

  CallResult Listen(NativeSocket s, int backlog) override {
    return Do(Calls::Listen, H(s), backlog);
  }

  // A blocking accept tries first and waits only for an empty queue, as
  // Linux's inet_csk_accept() and gVisor's sentry do: a listener that is no
  // longer one (shut down) fails at once, readable or not. The socket is
  // non-blocking for the tries, so the agent's deadline bounds the wait.
  CallResult Accept(NativeSocket s, absl::Duration wait, NativeSocket* out,
                    Endpoint* peer) override {
    *out = kNoSocket;
    const Handle h = H(s);
    const bool blocking = Calls::IsBlocking(h);
    if (blocking) Calls::SetBlocking(h, false);
    const auto deadline = DeadlineAfter(wait);
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    CallResult r = Do(Calls::Accept, h, reinterpret_cast<sockaddr*>(&ss), &len);
    while (blocking && r.ret < 0 && WouldBlock(r)) {
      // A listener that polls ready with nothing to take (an error event)
      // must not keep the call past its deadline.
      if (Passed(deadline)) {
        r = TimedOut();
        break;
      }
      if (WaitFor(h, POLLIN, deadline, &r) == 0) break;
      len = sizeof(ss);
      r = Do(Calls::Accept, h, reinterpret_cast<sockaddr*>(&ss), &len);
    }
    if (blocking) Calls::SetBlocking(h, true);
    // A stack whose accepted sockets inherit the non-blocking mode gets what
    // the blocking listener would have passed on.
    if (r.ret >= 0 && blocking && !Calls::IsBlocking(H(r.ret))) {
      Calls::SetBlocking(H(r.ret), true);
    }
    if (r.ret >= 0) {
      *out = r.ret;
      *peer = FromSockaddr(ss);
    }
    return r;
  }

  // The outcome of a blocking connect is SO_ERROR once the socket is
  // writable (ConnectOutcome).
  CallResult Connect(NativeSocket s, const Endpoint& remote,
                     absl::Duration wait) override {
    sockaddr_storage ss;
    socklen_t len;
    if (!ToSockaddr(remote, &ss, &len)) return Invalid();
    const Handle h = H(s);
    const auto* a = reinterpret_cast<sockaddr*>(&ss);
    if (!Calls::IsBlocking(h)) return Do(Calls::Connect, h, a, len);
    Calls::SetBlocking(h, false);
    CallResult r = Do(Calls::Connect, h, a, len);
    if (r.ret < 0 && r.native_error == Calls::kInProgress &&
        WaitFor(h, POLLOUT, DeadlineAfter(wait), &r) != 0) {
      r = ConnectOutcome(h);
    }
    Calls::SetBlocking(h, true);
    return r;
  }

  CallResult Send(NativeSocket s, absl::string_view data, IoFlags flags,
                  absl::Duration wait) override {
    typename Calls::SignalHold hold(flags.allow_sigpipe);
    CallResult r = SendHeld(s, data, flags, wait);
    r.sigpipe_raised = hold.TakeRaised();
    return r;
  }

  // A blocking send returns what the blocking call would (all bytes queued,
  // or the error; after a partial queueing, the row's kBlockingSendFailsWhole
  // says which) unless the deadline passes first.
  CallResult SendHeld(NativeSocket s, absl::string_view data, IoFlags flags,
                      absl::Duration wait) {
    const Handle h = H(s);
    if (flags.peek) return Invalid();
    if (flags.dont_wait && Calls::kDontWait == 0) return Unsupported();
    const int no_signal = flags.allow_sigpipe ? 0 : Calls::kNoSignal;
    const int flag = no_signal | (flags.dont_wait ? Calls::kDontWait : 0);
    if (!Calls::IsBlocking(h) || flags.dont_wait) {
      return Do(Calls::Send, h, data.data(), data.size(), flag);
    }
    const auto deadline = DeadlineAfter(wait);
    Calls::SetBlocking(h, false);
    size_t sent = 0;
    CallResult r;
    do {
      r = Do(Calls::Send, h, data.data() + sent, data.size() - sent, flag);
      if (r.ret >= 0) {
        sent += static_cast<size_t>(r.ret);
        continue;
      }
      if (!WouldBlock(r)) break;
      // A socket that polls writable and takes nothing (an error event)
      // must not keep the call past its deadline.
      if (Passed(deadline)) {
        r = TimedOut();
        break;
      }
      if (WaitFor(h, POLLOUT, deadline, &r) == 0) break;
    } while (sent < data.size());
    Calls::SetBlocking(h, true);
    if (!r.agent_fault.empty()) return r;
    if (r.timed_out) {
      r.ret = static_cast<int64_t>(sent);
      return r;
    }
    if (r.ret < 0 && (sent == 0 || Calls::kBlockingSendFailsWhole)) return r;
    return Complete(static_cast<int64_t>(sent));  // like the blocking call: what was queued
  }

  // The call itself never blocks: a blocking one waits with poll first.
  CallResult Recv(NativeSocket s, size_t max_bytes, IoFlags flags,
                  absl::Duration wait, std::string* out) override {
    const Handle h = H(s);
    if (flags.dont_wait && Calls::kDontWait == 0) return Unsupported();
    CallResult ended;
    if (!flags.dont_wait && Calls::IsBlocking(h) &&
        WaitFor(h, POLLIN, DeadlineAfter(wait), &ended) == 0) {
      return ended;
    }
    out->resize(max_bytes);
    CallResult r = Do(Calls::Recv, h, out->data(), max_bytes,
                      (flags.peek ? MSG_PEEK : 0) | Calls::kDontWait);
    out->resize(r.ret > 0 ? static_cast<size_t>(r.ret) : 0);
    return r;
  }

  CallResult Shutdown(NativeSocket s, v1::ShutdownHow how) override {
    const int native = how == v1::SHUTDOWN_HOW_READ    ? Calls::kShutRead
                       : how == v1::SHUTDOWN_HOW_WRITE ? Calls::kShutWrite
                                                         : Calls::kShutBoth;
    return Do(Calls::Shutdown, H(s), native);
  }

  CallResult Close(NativeSocket s) override { return Do(Calls::Close, H(s)); }

  CallResult Dup(NativeSocket s, NativeSocket* out) override {
    CallResult r = Do(Calls::Dup, H(s));
    *out = r.ret >= 0 ? r.ret : kNoSocket;
    return r;
  }

  CallResult SetOption(NativeSocket s, v1::SocketOption option,
                       const OptionValue& value) override {
    OptionSpec spec;
    if (!LookupOption(option, &spec)) return Unsupported();
    if (option == v1::SOCKET_OPTION_SO_LINGER) {
      linger l{};
      l.l_onoff = value.linger_on ? 1 : 0;
      l.l_linger = static_cast<decltype(l.l_linger)>(value.linger_seconds);
      return OptionResult(Do(Calls::SetOpt, H(s), spec.level, spec.name, &l, sizeof(l)));
    }
    int v = IsBooleanOption(option) ? (value.enabled ? 1 : 0) : static_cast<int>(value.value);
    return OptionResult(Do(Calls::SetOpt, H(s), spec.level, spec.name, &v, sizeof(v)));
  }

  CallResult GetOption(NativeSocket s, v1::SocketOption option,
                       OptionValue* value) override {
    OptionSpec spec;
    if (!LookupOption(option, &spec)) return Unsupported();
    if (option == v1::SOCKET_OPTION_SO_LINGER) {
      linger l{};
      socklen_t len = sizeof(l);
      CallResult r = OptionResult(Do(Calls::GetOpt, H(s), spec.level, spec.name, &l, &len));
      value->linger_on = l.l_onoff != 0;
      value->linger_seconds = l.l_linger;
      return r;
    }
    int v = 0;
    socklen_t len = sizeof(v);
    CallResult r = OptionResult(Do(Calls::GetOpt, H(s), spec.level, spec.name, &v, &len));
    value->enabled = v != 0;
    value->value = v;
    return r;
  }

  CallResult SetBlocking(NativeSocket s, bool blocking) override {
    return Do(Calls::SetBlocking, H(s), blocking);
  }

  CallResult Poll(NativeSocket s, const PollEvents& wanted, absl::Duration wait,
                  PollEvents* fired) override {
    short events = (wanted.in ? POLLIN : 0) | (wanted.out ? POLLOUT : 0);
    if (wanted.read_hangup) {
      if (Calls::kReadHangup == 0) return Unsupported();
      events |= Calls::kReadHangup;
    }
    CallResult ended;
    const short revents = WaitFor(H(s), events, DeadlineAfter(wait), &ended);
    if (!ended.agent_fault.empty()) return ended;  // no event, nor a timeout, was seen
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
    CallResult r = which == NameOf::kLocal ? Do(Calls::GetSockName, H(s), a, &len)
                                           : Do(Calls::GetPeerName, H(s), a, &len);
    if (r.ret == 0) *out = FromSockaddr(ss);
    return r;
  }

  void Discard(NativeSocket s) override {
    linger off{};
    Calls::SetOpt(H(s), SOL_SOCKET, SO_LINGER, &off, sizeof(off));
    Calls::Close(H(s));
  }

 private:
  static Handle H(NativeSocket s) { return static_cast<Handle>(s); }

  // The one place a return value and the stack's error become a CallResult.
  static CallResult Complete(int64_t ret) {
    CallResult r;
    r.ret = ret;
    if (ret < 0) r.native_error = Calls::LastError();
    return r;
  }

  // Makes a call of the row, or answers not supported where it is Absent.
  template <typename Call, typename... Args>
  static CallResult Do(const Call& call, Args&&... args) {
    if constexpr (kIsAbsent<Call>) {
      CallResult r = Unsupported();
      r.unsupported_reason = call.reason;
      return r;
    } else {
      return Complete(static_cast<int64_t>(call(std::forward<Args>(args)...)));
    }
  }

  static bool WouldBlock(const CallResult& r) {
    return r.native_error == Calls::kWouldBlock;
  }

  static CallResult Unsupported() {
    CallResult r;
    r.ret = -1;
    r.native_error = Calls::kNoProtoOpt;
    r.unsupported = true;
    return r;
  }

  // A stack that answers ENOPROTOOPT has no such option: mark it unsupported.
  static CallResult OptionResult(CallResult r) {
    if (r.native_error == Calls::kNoProtoOpt) r.unsupported = true;
    return r;
  }

  static CallResult TimedOut() {
    CallResult r;
    r.ret = -1;
    r.timed_out = true;
    return r;
  }

  // The agent's own `call` failed with `error`: no outcome of the stack.
  static CallResult AgentFault(const char* call, int error) {
    CallResult r;
    r.ret = -1;
    r.native_error = error;
    r.agent_fault = std::string("the agent's ") + call;
    return r;
  }

  // A connect in progress whose socket polled writable: SO_ERROR says how
  // it ended, and a failed read of it is the agent's fault, not a success.
  static CallResult ConnectOutcome(Handle h) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (Calls::GetOpt(h, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
      return AgentFault("getsockopt(SO_ERROR)", Calls::LastError());
    }
    CallResult r;
    r.ret = err == 0 ? 0 : -1;
    r.native_error = err;
    return r;
  }

  static CallResult Invalid() {
    CallResult r;
    r.ret = -1;
    r.native_error = Calls::kInvalid;
    return r;
  }

  // Waits until `events` are ready (or an error/hangup is pending). Returns
  // the poll revents, or 0 when the wait ended without any: *ended is then
  // the deadline passing (timed out), or the agent fault of a poll that
  // itself failed, never an event the stack did not report.
  static short WaitFor(Handle h, short events, std::chrono::steady_clock::time_point deadline,
                       CallResult* ended) {
    pollfd p{};
    p.fd = h;
    p.events = events;
    for (;;) {
      const int n = Calls::Poll(&p, 1, ToPollTimeoutMs(deadline));
      if (n > 0) return p.revents;
      const int error = n < 0 ? Calls::LastError() : 0;
      if (n < 0 && error != Calls::kInterrupted) {
        *ended = AgentFault("poll()", error);
        return 0;
      }
      if (n == 0 || Passed(deadline)) {
        *ended = TimedOut();
        return 0;
      }
    }
  }
};

}  // namespace bsd

template <typename Calls>
using BsdSocketApi = bsd::BsdSocketApi<Calls>;

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_BSD_BSD_SOCKET_API_H_
