// SocketApi: the socket calls under test, on one platform's TCP stack.
//
// A SocketApi performs exactly the call it is asked for and reports what the
// call did as a CallResult value. A failed socket call (ECONNRESET, EPIPE...)
// is not an error of the API: it is the observation. A failure of the
// agent's own machinery inside a call (its poll(), its read of SO_ERROR) is
// no observation: the CallResult carries it as `agent_fault`, and the service
// answers the step with an error status. Other agent faults are reported
// through absl::Status (StateObserver, PlatformInfo).
//
// Blocking calls (Accept, Connect, Send, Recv, Poll) take a `wait`:
// on a blocking socket the implementation waits for readiness at most that
// long and then returns a CallResult with timed_out set, so no call hangs
// the agent. On a non-blocking socket the call is made once, as the
// application would make it (EWOULDBLOCK is data). Close() is made as is:
// with SO_LINGER {1, N} on a blocking socket it may block up to N seconds,
// which is what the scenarios measure; callers bound N.
//
// Thread safety: implementations are safe for concurrent use on different
// sockets. Calls on one socket are serialised by the caller.
//
// No platform header may be included here: natives are carried as int64.
// Proto enums are taken as they are (v1::SocketOption, as StateObserver
// takes v1::TcpState): the core has one spelling of each.
#ifndef CLOSEPROBE_AGENT_SOCKET_API_H_
#define CLOSEPROBE_AGENT_SOCKET_API_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "closeprobe/v1/agent.pb.h"

namespace closeprobe::agent {

// The backend's own socket: a POSIX fd, a Winsock SOCKET, an lwIP socket.
using NativeSocket = int64_t;
inline constexpr NativeSocket kNoSocket = -1;

struct Endpoint {
  std::string address;  // numeric text; "" = any
  uint16_t port = 0;
  bool operator==(const Endpoint& o) const {
    return address == o.address && port == o.port;
  }
};



// The value of a socket option: `enabled` for boolean options, `value` for
// numeric ones, linger_* for SO_LINGER.
struct OptionValue {
  bool enabled = false;
  int64_t value = 0;
  bool linger_on = false;
  int linger_seconds = 0;
};

// The options set and read as `enabled`; the others but SO_LINGER use `value`.
inline bool IsBooleanOption(v1::SocketOption option) {
  return option == v1::SOCKET_OPTION_SO_REUSEADDR || option == v1::SOCKET_OPTION_SO_REUSEPORT ||
         option == v1::SOCKET_OPTION_SO_EXCLUSIVEADDRUSE ||
         option == v1::SOCKET_OPTION_SO_KEEPALIVE || option == v1::SOCKET_OPTION_TCP_NODELAY;
}

// poll() events: asked for (in, out, read_hangup) or reported (all).
struct PollEvents {
  bool in = false;
  bool out = false;
  bool read_hangup = false;  // POLLRDHUP (Linux)
  bool hangup = false;
  bool error = false;
  bool invalid = false;      // POLLNVAL
};

// Per-call flags of send() and recv().
struct IoFlags {
  bool peek = false;       // MSG_PEEK (recv only)
  bool dont_wait = false;  // MSG_DONTWAIT: this call only is non-blocking
  // send only: no MSG_NOSIGNAL. Where the stack raises SIGPIPE, the backend
  // holds it blocked for the call and reports it (sigpipe_raised).
  bool allow_sigpipe = false;
};

enum class NameOf { kLocal, kPeer };  // getsockname(), getpeername()

// What one call did. `native_error` is 0 on success, else the platform's
// error number (errno, WSAGetLastError(), lwIP errno). The timestamps are
// filled by TimedSocketApi, never by a backend.
struct CallResult {
  int64_t ret = 0;
  int native_error = 0;
  bool timed_out = false;     // the agent's wait passed; the call was not completed
  bool unsupported = false;   // the platform has no such call or option
  std::string unsupported_reason;  // why, where the stack's error does not say it
  bool sigpipe_raised = false;  // a send with allow_sigpipe raised SIGPIPE
  // Not empty when a call of the agent's own inside this one failed: which
  // ("the agent's poll()"); native_error is then its error. The stack gave
  // no outcome, so nothing else here is one.
  std::string agent_fault;
  int64_t start_mono_ns = 0;
  int64_t end_mono_ns = 0;
  int64_t start_unix_ns = 0;
  int64_t requested_start_mono_ns = 0;  // the scheduled start asked for (0: none)
};

class SocketApi {
 public:
  virtual ~SocketApi() = default;

  virtual CallResult Socket(v1::AddressFamily family, NativeSocket* out) = 0;
  virtual CallResult Bind(NativeSocket s, const Endpoint& local) = 0;
  virtual CallResult Listen(NativeSocket s, int backlog) = 0;
  // REQUIRES: out and peer non-null. *out is kNoSocket unless it succeeded.
  virtual CallResult Accept(NativeSocket s, absl::Duration wait,
                            NativeSocket* out, Endpoint* peer) = 0;
  virtual CallResult Connect(NativeSocket s, const Endpoint& remote,
                             absl::Duration wait) = 0;
  // Never delivers SIGPIPE: EPIPE is returned as data (with allow_sigpipe,
  // a SIGPIPE the call raised is reported, never delivered).
  // A platform without a flag the call asks for answers unsupported.
  virtual CallResult Send(NativeSocket s, absl::string_view data, IoFlags flags,
                          absl::Duration wait) = 0;
  virtual CallResult Recv(NativeSocket s, size_t max_bytes, IoFlags flags,
                          absl::Duration wait, std::string* out) = 0;
  virtual CallResult Shutdown(NativeSocket s, v1::ShutdownHow how) = 0;
  virtual CallResult Close(NativeSocket s) = 0;
  // dup(): a second native socket for the same open socket. A platform with
  // no descriptors to copy answers unsupported (the default).
  // REQUIRES: out non-null. *out is kNoSocket unless it succeeded.
  virtual CallResult Dup(NativeSocket s, NativeSocket* out) {
    *out = kNoSocket;
    CallResult r;
    r.ret = -1;
    r.unsupported = true;
    r.unsupported_reason =
        "dup(): this stack's sockets are no kernel descriptors to copy (an lwIP or gVisor "
        "netstack socket is one entry of the stack's own table, with no second reference to it)";
    return r;
  }
  virtual CallResult SetOption(NativeSocket s, v1::SocketOption option,
                               const OptionValue& value) = 0;
  virtual CallResult GetOption(NativeSocket s, v1::SocketOption option,
                               OptionValue* value) = 0;
  virtual CallResult SetBlocking(NativeSocket s, bool blocking) = 0;
  // Waits until an event of `wanted` (or HUP, ERR, NVAL) is reported or
  // `wait` passes; ret 1 with the events, 0 at the deadline. Asking for an
  // event the platform lacks answers unsupported.
  virtual CallResult Poll(NativeSocket s, const PollEvents& wanted, absl::Duration wait,
                          PollEvents* fired) = 0;
  virtual CallResult Name(NativeSocket s, NameOf which, Endpoint* out) = 0;

  // Bookkeeping, not calls under test: the socket's addresses, if it has them.
  bool LocalEndpoint(NativeSocket s, Endpoint* out) {
    return Name(s, NameOf::kLocal, out).ret == 0;
  }
  bool PeerEndpoint(NativeSocket s, Endpoint* out) {
    return Name(s, NameOf::kPeer, out).ret == 0;
  }
  // Closes a socket that a session left behind, without lingering, so that
  // tearing a session down never blocks.
  virtual void Discard(NativeSocket s) = 0;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_SOCKET_API_H_
