#include "agent/auth_gate.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace closeprobe::agent {

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  // Every byte of `b` is looked at, whatever `a` holds; a length mismatch
  // is folded into the same accumulator instead of returning early.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < b.size(); ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

std::string AuthGate::Host(const std::string& peer) {
  // "ipv4:1.2.3.4:5678", "ipv6:[::1]:5678", "unix:/path"
  const size_t colon = peer.rfind(':');
  if (peer.rfind("unix:", 0) == 0 || colon == std::string::npos || colon < 5) return peer;
  return peer.substr(0, colon);
}

absl::Status AuthGate::Admit(const std::string* authorization, const std::string& peer) {
  if (options_.token.empty()) return absl::OkStatus();
  const std::string host = Host(peer);
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    std::deque<absl::Time>& seen = failures_[host];
    while (!seen.empty() && now - seen.front() > options_.failure_window) seen.pop_front();
    if (static_cast<int>(seen.size()) >= options_.max_failures) {
      return absl::ResourceExhaustedError(absl::StrCat(
          seen.size(), " calls with a missing or wrong token from ", host, " in the last ",
          absl::FormatDuration(options_.failure_window), "; refused until the window passes"));
    }
  }
  const std::string expected = absl::StrCat("Bearer ", options_.token);
  const bool admitted = authorization != nullptr && ConstantTimeEquals(*authorization, expected);
  if (admitted) return absl::OkStatus();
  {
    absl::MutexLock lock(&mu_);
    failures_[host].push_back(now);
  }
  const char* why = authorization == nullptr ? "no token" : "wrong token";
  std::cerr << "closeprobe-agent: refused a call from " << peer << ": " << why << "\n";
  return absl::UnauthenticatedError(
      authorization == nullptr ? "this agent requires a token (authorization: Bearer ...)"
                               : "wrong token");
}

}  // namespace closeprobe::agent
