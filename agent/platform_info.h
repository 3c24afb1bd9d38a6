// PlatformInfo: what the agent's platform is and the settings that change
// close semantics (Linux sysctls, lwIP compile options, Windows registry).
//
// Thread safety: implementations are safe for concurrent access.
#ifndef CLOSEPROBE_AGENT_PLATFORM_INFO_H_
#define CLOSEPROBE_AGENT_PLATFORM_INFO_H_

#include <map>
#include <string>
#include <vector>

namespace closeprobe::agent {

struct PlatformDescription {
  std::string platform;        // "linux", "lwip", "windows"
  std::string os;              // e.g. "Linux 6.1.0"
  std::string stack_version;
  std::map<std::string, std::string> settings;
  std::vector<std::string> features;
  std::string hostname;
  // The networks of this host's interfaces ("198.18.3.0/24", "::1/128"):
  // the agent's default --allow_targets.
  std::vector<std::string> networks;
};

class PlatformInfo {
 public:
  virtual ~PlatformInfo() = default;
  // Read afresh on each call: settings may change while the agent runs.
  virtual PlatformDescription Describe() = 0;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_PLATFORM_INFO_H_
