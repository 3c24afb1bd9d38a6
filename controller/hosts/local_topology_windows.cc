// On Windows the local topology is two agents on loopback: one host, one
// stack (Windows' own), so a Windows machine makes a `windows` column alone.
#include "controller/hosts/local_topology.h"

namespace closeprobe::controller {

bool LocalTopology::CanStartNamespaces() { return false; }

absl::Status LocalTopology::StartHosts(const std::string& agent_binary,
                                       const TopologyOptions& options) {
  if (options.kind == TopologyKind::kNetns) {
    return absl::UnimplementedError("--topology=netns needs Linux; Windows runs agents on loopback");
  }
  return StartLoopback(agent_binary);
}

}  // namespace closeprobe::controller
