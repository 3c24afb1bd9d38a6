#include "controller/run/role_binder.h"

#include <algorithm>

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

std::string PeerPlatform(const PlatformAgents& column) {
  return column.peer == nullptr ? column.name : column.peer->info().platform();
}

std::vector<std::string> PeerPlatforms(const std::vector<PlatformAgents>& columns) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& p) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  for (const PlatformAgents& c : columns) add(PeerPlatform(c));
  for (const PlatformAgents& c : columns) add(c.name);
  return out;
}

std::optional<PlatformAgents> AgentsForPairing(const std::vector<PlatformAgents>& columns,
                                               int column, const std::string& peer_platform) {
  const PlatformAgents& own = columns[column];
  if (PeerPlatform(own) == peer_platform) return own;
  for (const PlatformAgents& other : columns) {
    if (other.name == peer_platform && PeerPlatform(other) == own.name) {
      PlatformAgents swapped;
      swapped.name = own.name;
      swapped.subject = other.peer;
      swapped.peer = other.subject;
      return swapped;
    }
  }
  return std::nullopt;
}

}  // namespace closeprobe::controller
