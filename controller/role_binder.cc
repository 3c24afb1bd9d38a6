#include "controller/role_binder.h"

namespace closeprobe::controller {

std::map<std::string, AgentClient*> BindRoles(const v1::Case& spec,
                                              const PlatformAgents& agents) {
  std::map<std::string, AgentClient*> bound;
  for (const std::string& role : spec.roles()) {
    auto it = agents.by_role.find(role);
    if (it != agents.by_role.end()) {
      bound[role] = it->second;
    } else {
      bound[role] = role == spec.subject() ? agents.subject : agents.peer;
    }
  }
  return bound;
}

}  // namespace closeprobe::controller
