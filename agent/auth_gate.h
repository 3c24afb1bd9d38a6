// AuthGate: the one place where the agent decides whether a call may pass.
// With a token configured, a call must carry `authorization: Bearer TOKEN`;
// the token is compared in constant time, every refusal is logged with the
// caller's address, and a caller that failed max_failures times within the
// window is refused outright (RESOURCE_EXHAUSTED) until the window passes,
// so guessing the token is slow and loud.
//
// Thread safety: Admit may be called concurrently.
#ifndef CLOSEPROBE_AGENT_AUTH_GATE_H_
#define CLOSEPROBE_AGENT_AUTH_GATE_H_

#include <deque>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace closeprobe::agent {

struct AuthOptions {
  std::string token;                            // empty: every call passes
  int max_failures = 10;                        // per caller address and window
  absl::Duration failure_window = absl::Minutes(1);
};

class AuthGate {
 public:
  explicit AuthGate(AuthOptions options) : options_(std::move(options)) {}

  // `authorization`: the call's metadata value, or nullptr when it has none;
  // `peer`: gRPC's peer string ("ipv4:198.18.0.2:53412"). OK, UNAUTHENTICATED
  // (no token, wrong token) or RESOURCE_EXHAUSTED (too many failures).
  absl::Status Admit(const std::string* authorization, const std::string& peer);

  bool requires_token() const { return !options_.token.empty(); }

 private:
  // The caller's address without its port: failures count per host.
  static std::string Host(const std::string& peer);

  const AuthOptions options_;
  absl::Mutex mu_;
  std::map<std::string, std::deque<absl::Time>> failures_ ABSL_GUARDED_BY(mu_);
};

// a == b, taking the same time whatever the position of the first
// difference (and for any a of the same length as b).
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_AUTH_GATE_H_
