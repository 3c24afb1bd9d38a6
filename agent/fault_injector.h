// FaultInjector: drops segments between the agent's host and a peer ("pull
// the cable", "lose the final ACK"), limited to a port range so that cases
// running in parallel on the same hosts are not disturbed.
//
// Thread safety: implementations are safe for concurrent access.
// Lifetime: every rule the injector added is removed when it is destroyed.
#ifndef CLOSEPROBE_AGENT_FAULT_INJECTOR_H_
#define CLOSEPROBE_AGENT_FAULT_INJECTOR_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace closeprobe::agent {

enum class FaultDirection { kBoth, kOutgoing, kIncoming };

struct FaultRule {
  std::string peer_address;
  uint16_t first_port = 0;
  uint16_t last_port = 0;
  FaultDirection direction = FaultDirection::kBoth;
  std::string exact_flags;  // letters of S F R A; "" = every segment
};

// InvalidArgument unless 0 < first_port <= last_port and exact_flags holds
// only letters of S F R A: the checks every injector makes first.
inline absl::Status ValidateFaultRule(const FaultRule& rule) {
  if (rule.first_port == 0 || rule.last_port < rule.first_port) {
    return absl::InvalidArgumentError("a fault needs 0 < first_port <= last_port");
  }
  for (char c : rule.exact_flags) {
    if (std::string("SFRA").find(c) == std::string::npos) {
      return absl::InvalidArgumentError(
          std::string("exact_flags: '") + c + "' is not one of S F R A");
    }
  }
  return absl::OkStatus();
}

class FaultInjector {
 public:
  virtual ~FaultInjector() = default;
  // InvalidArgument for a bad rule; Unavailable if the rule cannot be installed.
  virtual absl::StatusOr<int> Add(const FaultRule& rule) = 0;
  // NotFound for an unknown id.
  virtual absl::Status Remove(int id) = 0;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_FAULT_INJECTOR_H_
