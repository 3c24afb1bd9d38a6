// RoleBinder: which agent plays each role of a case in one platform column.
// The subject role runs on the platform under test; every other role on the
// reference peer, unless a role is bound to an agent of its own.
#ifndef CLOSEPROBE_CONTROLLER_ROLE_BINDER_H_
#define CLOSEPROBE_CONTROLLER_ROLE_BINDER_H_

#include <map>
#include <string>

#include "closeprobe/v1/case.pb.h"
#include "controller/agent_client.h"

namespace closeprobe::controller {

// One matrix column: the agents that make it up. Not owned.
struct PlatformAgents {
  std::string name;                               // the subject's platform, e.g. "linux"
  AgentClient* subject = nullptr;
  AgentClient* peer = nullptr;
  std::map<std::string, AgentClient*> by_role;    // explicit bindings (--agent ROLE=...)
};

std::map<std::string, AgentClient*> BindRoles(const v1::Case& spec,
                                              const PlatformAgents& agents);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_ROLE_BINDER_H_
