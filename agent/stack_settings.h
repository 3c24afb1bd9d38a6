// StackSettings: reads and writes the host stack's settings that change
// close semantics (Linux: the sysctls of the agent's network namespace).
//
// Thread safety: implementations are safe for concurrent access.
#ifndef CLOSEPROBE_AGENT_STACK_SETTINGS_H_
#define CLOSEPROBE_AGENT_STACK_SETTINGS_H_

#include <string>

#include "absl/status/statusor.h"

namespace closeprobe::agent {

class StackSettings {
 public:
  virtual ~StackSettings() = default;
  // Sets `name` to `value`; returns the previous value. InvalidArgument for
  // a name outside the TCP/IP settings; Unimplemented for one this stack has
  // no equivalent of; PermissionDenied without privilege.
  virtual absl::StatusOr<std::string> Set(const std::string& name,
                                          const std::string& value) = 0;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_STACK_SETTINGS_H_
