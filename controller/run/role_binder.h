// RoleBinder: which agent plays each role of a case in one platform column.
// The subject role runs on the platform under test; every other role on the
// reference peer, unless a role is bound to an agent of its own or placed
// beside another role (Case.placement): then on that role's host, in the
// same agent process or in a companion agent of that host.
#ifndef CLOSEPROBE_CONTROLLER_ROLE_BINDER_H_
#define CLOSEPROBE_CONTROLLER_ROLE_BINDER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "closeprobe/v1/case.pb.h"
#include "controller/cases/companion_key.h"
#include "controller/run/agent_client.h"

namespace closeprobe::controller {

// One matrix column: the agents that make it up. Not owned.
struct PlatformAgents {
  std::string name;       // the column: the subject's platform ("linux"), or the topology's ("linux-6.1")
  std::string emulation;  // how the subject's host runs, when emulated (PlatformColumn.emulation)
  AgentClient* subject = nullptr;
  AgentClient* peer = nullptr;
  // Where the subject's capture and drops happen when not on its own agent:
  // the wire outside a sandbox (null: the subject's agent does them).
  AgentClient* wire = nullptr;
  std::map<std::string, AgentClient*> by_role;    // explicit bindings (--agent ROLE=...)
  // Agents in processes of their own on the subject's or the peer's host,
  // keyed by CompanionKey(): "subject/own", "peer/other_user".
  std::map<std::string, AgentClient*> companions;
};

// Role -> agent. UNIMPLEMENTED when a placement needs a companion agent the
// column does not have (a user-space stack lives inside its agent's process).
absl::StatusOr<std::map<std::string, AgentClient*>> BindRoles(const v1::Case& spec,
                                                              const PlatformAgents& agents);

// The platform of a column's reference peer.
std::string PeerPlatform(const PlatformAgents& column);

// Every platform that can play the peer's side against some column: the
// columns' peers, and the columns' subjects (played against the peer).
std::vector<std::string> PeerPlatforms(const std::vector<PlatformAgents>& columns);

// The agents for a pairing: the subject on `column`'s platform, the other
// roles on `peer_platform`. The column itself when its peer is of that
// platform; else another column's two agents swapped (its peer becomes the
// subject) when their platforms fit; nullopt when no agents make the pair.
std::optional<PlatformAgents> AgentsForPairing(const std::vector<PlatformAgents>& columns,
                                               int column, const std::string& peer_platform);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_ROLE_BINDER_H_
