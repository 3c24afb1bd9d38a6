#include "controller/run/role_binder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace closeprobe::controller {

absl::StatusOr<std::map<std::string, AgentClient*>> BindRoles(const v1::Case& spec,
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
  for (const v1::Placement& p : spec.placement()) {
    const bool beside_subject = p.beside() == spec.subject();
    const std::string key = CompanionKey(beside_subject, p.process());
    if (key.empty()) {
      bound[p.role()] = bound[p.beside()];
      continue;
    }
    auto c = agents.companions.find(key);
    if (c == agents.companions.end()) {
      return absl::UnimplementedError(absl::StrCat(
          "role '", p.role(), "' runs in an agent process of its own beside '", p.beside(),
          "', and the ", agents.name, " column has no such agent (", key,
          "): the local linux hosts start them; a user-space stack (lwIP, gVisor) lives inside its "
          "agent's process, and a guest kernel runs one agent; --agent ", key,
          "=HOST:PORT gives one"));
    }
    bound[p.role()] = c->second;
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
