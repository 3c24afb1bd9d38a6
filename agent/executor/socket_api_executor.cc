// The socket calls of an executor's stack, one cpx/1 request each. The
// executor keeps the call's deadline itself (wait_ms), so a reply comes
// unless the board is stuck; the proxy waits that long plus a margin.
#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "agent/executor/executor_board.h"

namespace closeprobe::agent {

bool ParseExecutorAddress(const std::string& text, Endpoint* out) {
  const size_t colon = text.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(text.substr(colon + 1), &port)) {
    return false;
  }
  std::string ip = text.substr(0, colon);
  if (ip.size() >= 2 && ip.front() == '[') ip = ip.substr(1, ip.size() - 2);
  out->address = ip;
  out->port = static_cast<uint16_t>(port);
  return true;
}

std::string ExecutorAddress(const Endpoint& e) {
  const bool v6 = e.address.find(':') != std::string::npos;
  const std::string ip = e.address.empty() ? "0.0.0.0" : e.address;
  return v6 ? absl::StrCat("[", ip, "]:", e.port) : absl::StrCat(ip, ":", e.port);
}

namespace {

// Past a call's own wait, how long the proxy waits for its reply.
constexpr absl::Duration kReplyMargin = absl::Seconds(10);
// A close may linger (SO_LINGER {1, N}); the agent bounds N.
constexpr absl::Duration kCloseWait = absl::Seconds(130);

std::string Flags(IoFlags f) {
  std::vector<std::string> names;
  if (f.peek) names.push_back("PEEK");
  if (f.dont_wait) names.push_back("DONTWAIT");
  return names.empty() ? "-" : absl::StrJoin(names, "|");
}

int64_t WaitMs(absl::Duration wait) { return std::max<int64_t>(0, absl::ToInt64Milliseconds(wait)); }

// The executor's name of an option: agent.proto's without SOCKET_OPTION_
// and the SO_/TCP_ level prefix (SO_LINGER is LINGER, TCP_KEEPIDLE KEEPIDLE).
std::string OptionName(v1::SocketOption o) {
  absl::string_view name = v1::SocketOption_Name(o);
  absl::ConsumePrefix(&name, "SOCKET_OPTION_");
  if (!absl::ConsumePrefix(&name, "SO_")) absl::ConsumePrefix(&name, "TCP_");
  return std::string(name);
}

NativeSocket Native(int64_t fd, int boots) { return (static_cast<int64_t>(boots) << 32) | fd; }
int64_t Fd(NativeSocket s) { return s & 0xFFFFFFFF; }

class ExecutorSocketApi final : public SocketApi {
 public:
  explicit ExecutorSocketApi(std::shared_ptr<ExecutorBoard> board)
      : board_(std::move(board)) {}

  CallResult Socket(v1::AddressFamily family, NativeSocket* out) override {
    CallResult r = Do(kNoSocket, family == v1::ADDRESS_FAMILY_INET6 ? "SOCKET INET6" : "SOCKET INET",
                      absl::ZeroDuration());
    *out = r.ret >= 0 && !r.timed_out ? Native(r.ret, board_->link->boots()) : kNoSocket;
    return r;
  }
  CallResult Bind(NativeSocket s, const Endpoint& local) override {
    // A port whose connections a restart took away: binding it on the new
    // stack would report a fresh stack's answer as this case's.
    if (board_->PortLostInRestart(local.port)) return Reset();
    board_->NotePort(local.port);
    return Do(s, absl::StrCat("BIND ", Fd(s), " ", ExecutorAddress(local)), absl::ZeroDuration());
  }
  CallResult Listen(NativeSocket s, int backlog) override {
    return Do(s, absl::StrCat("LISTEN ", Fd(s), " ", backlog), absl::ZeroDuration());
  }
  CallResult Accept(NativeSocket s, absl::Duration wait, NativeSocket* out,
                    Endpoint* peer) override {
    ExecutorReply reply;
    CallResult r = Do(s, absl::StrCat("ACCEPT ", Fd(s), " ", WaitMs(wait)), wait, &reply);
    *out = kNoSocket;
    if (r.ret >= 0 && !r.timed_out) {
      *out = Native(r.ret, ExecutorBootOf(s));
      ParseExecutorAddress(reply.Key("peer"), peer);
      board_->NotePort(peer->port);
    }
    return r;
  }
  CallResult Connect(NativeSocket s, const Endpoint& remote, absl::Duration wait) override {
    return Do(s, absl::StrCat("CONNECT ", Fd(s), " ", ExecutorAddress(remote), " ", WaitMs(wait)), wait);
  }

  // A run of one byte goes as SENDFILL; other data as hex, in pieces that
  // fit the executor's lines (the next piece only when the last went whole).
  // The protocol has no verb for a second handle on one socket.
  CallResult Dup(NativeSocket s, NativeSocket* out) override {
    *out = kNoSocket;
    CallResult r;
    r.ret = -1;
    r.unsupported = true;
    r.unsupported_reason = "dup(): the executor protocol has no DUP verb";
    return r;
  }

  CallResult Send(NativeSocket s, absl::string_view data, IoFlags flags,
                  absl::Duration wait) override {
    // The protocol's sends never raise SIGPIPE (docs/executor-protocol.md):
    // whether a stack would, it cannot tell.
    if (flags.allow_sigpipe) {
      CallResult r;
      r.ret = -1;
      r.unsupported = true;
      r.unsupported_reason = "the executor protocol has no send that may raise SIGPIPE";
      return r;
    }
    const std::string f = Flags(flags);
    if (data.size() >= 64 && std::all_of(data.begin(), data.end(),
                                         [&](char c) { return c == data[0]; })) {
      return Do(s, absl::StrCat("SENDFILL ", Fd(s), " ", data.size(), " ",
                             absl::BytesToHexString(data.substr(0, 1)), " ", WaitMs(wait), " ", f),
                wait);
    }
    const size_t piece = static_cast<size_t>(std::max<int64_t>(16, (board_->LineMax() - 128) / 2));
    if (data.size() <= piece) return SendPiece(s, data, f, wait);
    CallResult total;
    for (size_t done = 0; done < data.size();) {
      const absl::string_view part = data.substr(done, piece);
      CallResult r = SendPiece(s, part, f, wait);
      if (r.ret < 0 || r.timed_out) {
        if (done == 0) return r;
        r.ret = static_cast<int64_t>(done) + std::max<int64_t>(0, r.ret);
        return r;
      }
      done += static_cast<size_t>(r.ret);
      total = r;
      total.ret = static_cast<int64_t>(done);
      if (static_cast<size_t>(r.ret) < part.size()) break;  // a short send ends it
    }
    return total;
  }

  CallResult Recv(NativeSocket s, size_t max_bytes, IoFlags flags, absl::Duration wait,
                  std::string* out) override {
    // At most recv_max per call: a recv may always return fewer bytes.
    const size_t max = std::min<size_t>(max_bytes, static_cast<size_t>(board_->RecvMax()));
    ExecutorReply reply;
    CallResult r = Do(s, absl::StrCat("RECV ", Fd(s), " ", max, " ", WaitMs(wait), " ", Flags(flags)),
                      wait, &reply);
    out->clear();
    const std::string hex = reply.Key("data");
    if (r.ret > 0 && hex != "-") *out = absl::HexStringToBytes(hex);
    return r;
  }

  CallResult Shutdown(NativeSocket s, v1::ShutdownHow how) override {
    const char* h = how == v1::SHUTDOWN_HOW_READ ? "RD" : how == v1::SHUTDOWN_HOW_WRITE ? "WR" : "RDWR";
    return Do(s, absl::StrCat("SHUTDOWN ", Fd(s), " ", h), absl::ZeroDuration());
  }
  CallResult Close(NativeSocket s) override {
    return Do(s, absl::StrCat("CLOSE ", Fd(s)), kCloseWait);
  }
  CallResult SetOption(NativeSocket s, v1::SocketOption option, const OptionValue& v) override {
    if (option == v1::SOCKET_OPTION_SO_LINGER) {
      return Do(s, absl::StrCat("SETOPT ", Fd(s), " LINGER ", v.linger_on ? 1 : 0, " ", v.linger_seconds),
                absl::ZeroDuration());
    }
    const int64_t value = IsBooleanOption(option) ? (v.enabled ? 1 : 0) : v.value;
    return Do(s, absl::StrCat("SETOPT ", Fd(s), " ", OptionName(option), " ", value), absl::ZeroDuration());
  }
  CallResult GetOption(NativeSocket s, v1::SocketOption option, OptionValue* v) override {
    ExecutorReply reply;
    CallResult r = Do(s, absl::StrCat("GETOPT ", Fd(s), " ", OptionName(option)), absl::ZeroDuration(),
                      &reply);
    if (option == v1::SOCKET_OPTION_SO_LINGER) {
      v->linger_on = reply.Int("on") != 0;
      v->linger_seconds = static_cast<int>(reply.Int("secs"));
    } else {
      v->value = reply.Int("value");
      v->enabled = v->value != 0;
    }
    return r;
  }
  CallResult SetBlocking(NativeSocket s, bool blocking) override {
    return Do(s, absl::StrCat("BLOCKING ", Fd(s), " ", blocking ? 1 : 0), absl::ZeroDuration());
  }
  CallResult Poll(NativeSocket s, const PollEvents& wanted, absl::Duration wait,
                  PollEvents* fired) override {
    std::vector<std::string> ev;
    if (wanted.in) ev.push_back("IN");
    if (wanted.out) ev.push_back("OUT");
    if (wanted.read_hangup) ev.push_back("RDHUP");
    ExecutorReply reply;
    CallResult r = Do(s, absl::StrCat("POLL ", Fd(s), " ", absl::StrJoin(ev, "|"), " ", WaitMs(wait)),
                      wait, &reply);
    const std::string got = "|" + reply.Key("revents") + "|";
    auto has = [&](const char* name) { return got.find(absl::StrCat("|", name, "|")) != std::string::npos; };
    fired->in = has("IN");
    fired->out = has("OUT");
    fired->read_hangup = has("RDHUP");
    fired->hangup = has("HUP");
    fired->error = has("ERR");
    fired->invalid = has("NVAL");
    return r;
  }
  CallResult Name(NativeSocket s, NameOf which, Endpoint* out) override {
    ExecutorReply reply;
    CallResult r = Do(s, absl::StrCat(which == NameOf::kLocal ? "GETSOCKNAME " : "GETPEERNAME ", Fd(s)),
                      absl::ZeroDuration(), &reply);
    if (r.ret == 0) ParseExecutorAddress(reply.Key("addr"), out);
    if (r.ret == 0 && which == NameOf::kLocal) board_->NotePort(out->port);
    return r;
  }
  void Discard(NativeSocket s) override {
    if (ExecutorBootOf(s) != board_->link->boots()) return;  // gone with the restart
    if (!board_->workers->Acquire()) return;  // stuck: the reset after the session ends it
    absl::StatusOr<ExecutorReply> r =
        board_->link->Call(absl::StrCat("DISCARD ", Fd(s)), absl::Seconds(5));
    board_->workers->Release(Stuck(r));
  }

 private:
  CallResult SendPiece(NativeSocket s, absl::string_view data, const std::string& flags,
                       absl::Duration wait) {
    return Do(s, absl::StrCat("SEND ", Fd(s), " ", WaitMs(wait), " ", flags, " ",
                           data.empty() ? "-" : absl::BytesToHexString(data)),
              wait);
  }

  CallResult Reset() {
    CallResult r;
    r.ret = -1;
    r.native_error = kExecutorReset;
    RememberExecutorErrno(kExecutorReset,
                          "the executor restarted after: " + board_->link->last_panic());
    return r;
  }

  // One request; the reply as a CallResult (and whole, for its outputs).
  CallResult Do(NativeSocket on, const std::string& request, absl::Duration wait,
                ExecutorReply* out = nullptr) {
    board_->AfterRestart();
    // The socket was the executor's before it restarted: it is gone.
    if (on != kNoSocket && ExecutorBootOf(on) != board_->link->boots()) return Reset();
    if (!board_->workers->Acquire()) {
      // Every worker is in a call the stack never returned from: the
      // board serves nothing more until it is reset.
      (void)board_->Reboot(
          "every worker was stuck in a call that never returned: the proxy rebooted the board");
      return Reset();
    }
    absl::StatusOr<ExecutorReply> reply = board_->link->Call(request, wait + kReplyMargin);
    board_->workers->Release(Stuck(reply));
    CallResult r;
    if (Stuck(reply)) {
      // The executor keeps the call's wait itself: no reply past it means
      // the call never returned in the stack (the worker stays in it).
      r.ret = -1;
      r.timed_out = true;
      return r;
    }
    if (reply.ok() && reply->status == "RESET") {
      // The stack crashed or restarted under the call: that is what it did.
      r.ret = -1;
      r.native_error = kExecutorReset;
      RememberExecutorErrno(kExecutorReset, reply->Key("why"));
      return r;
    }
    // The link or the proxy's request failed, or the reply is not one the
    // protocol has: nothing the stack did, so an agent fault, not an error.
    if (!reply.ok()) {
      r.ret = -1;
      r.agent_fault = absl::StrCat("the link to the executor (", reply.status().message(), ")");
      return r;
    }
    if (reply->status == "BAD") {
      r.ret = -1;
      r.agent_fault = absl::StrCat("the proxy's request (the executor answered BAD why=",
                                   reply->Key("why"), ")");
      return r;
    }
    if (reply->status != "OK" && reply->status != "ERR" && reply->status != "TIMEOUT" &&
        reply->status != "INTERNAL") {
      r.ret = -1;
      r.agent_fault =
          absl::StrCat("reading the executor's reply (a status the protocol has not: '",
                       reply->status, "')");
      return r;
    }
    if (reply->status == "INTERNAL") {
      // The executor's own poll or SO_ERROR read failed: no outcome to report.
      r.ret = -1;
      r.native_error = static_cast<int>(reply->Int("errno_raw", kExecutorNoReply));
      RememberExecutorErrno(r.native_error, reply->Key("errno"));
      r.agent_fault = "the executor's " + reply->Key("call");
      return r;
    }
    r.ret = reply->Int("ret", -1);
    if (reply->status == "TIMEOUT") {
      r.timed_out = true;
    } else if (reply->status == "ERR") {
      r.native_error = static_cast<int>(reply->Int("errno_raw", kExecutorNoReply));
      RememberExecutorErrno(r.native_error, reply->Key("errno"));
      r.unsupported = reply->Key("unsupported") == "1";
    }
    if (out != nullptr) *out = std::move(*reply);
    return r;
  }

  // No reply in time, the link still up: the worker is stuck in the call.
  bool Stuck(const absl::StatusOr<ExecutorReply>& reply) const {
    return absl::IsDeadlineExceeded(reply.status()) && !board_->link->closed();
  }

  std::shared_ptr<ExecutorBoard> board_;
};

}  // namespace

std::unique_ptr<SocketApi> NewExecutorSocketApi(std::shared_ptr<ExecutorBoard> board) {
  return std::make_unique<ExecutorSocketApi>(std::move(board));
}

}  // namespace closeprobe::agent
