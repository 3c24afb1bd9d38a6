// TargetAllowList: the networks an agent may connect to on a controller's
// behalf (--allow_targets). An agent performs arbitrary socket calls on
// request; on a shared network this keeps it from being a tool against
// hosts that are not part of the test. A default-constructed list allows
// every address (in-process tests).
#ifndef CLOSEPROBE_AGENT_TARGET_ALLOW_LIST_H_
#define CLOSEPROBE_AGENT_TARGET_ALLOW_LIST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/ip_address.h"

namespace closeprobe::agent {

class TargetAllowList {
 public:
  TargetAllowList() = default;  // allows everything

  // Comma-separated networks and addresses: "198.18.0.0/15,127.0.0.1,::1/128",
  // or "any". InvalidArgument names the entry that is not one.
  static absl::StatusOr<TargetAllowList> Parse(const std::string& list);

  bool Allows(const std::string& address) const;
  std::string ToString() const;  // as given, or "any"

 private:
  struct Network {
    IpAddress base;
    int prefix = 0;
    std::string text;
  };
  bool any_ = true;
  std::vector<Network> networks_;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_TARGET_ALLOW_LIST_H_
