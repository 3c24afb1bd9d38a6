// gVisor's description: its snapshot and the stack settings and compiled-in
// defaults that decide close semantics (closeprobe_gvisor_describe).
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/gvisor/netstack/gvisor_abi.h"
#include "agent/gvisor/gvisor_stack.h"
#include "agent/gvisor/platform_gvisor.h"

namespace closeprobe::agent {
namespace {

class GvisorPlatformInfo final : public PlatformInfo {
 public:
  PlatformDescription Describe() override {
    PlatformDescription d;
    d.platform = "gvisor-netstack";
    std::string text(4096, '\0');
    const int n = closeprobe_gvisor_describe(text.data(), static_cast<int>(text.size()));
    text.resize(std::min<size_t>(text.size() - 1, static_cast<size_t>(n)));
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
      if (kv.first == "snapshot") {
        d.stack_version = kv.second;
      } else {
        d.settings[kv.first] = kv.second;
      }
    }
    const GvisorConfig& config = GvisorStackConfig();
    d.os = absl::StrCat("gVisor netstack ", d.stack_version, " (user space on TAP ", config.tap, ")");
    d.settings["gvisor.address"] = config.address;
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    d.hostname = host;
    d.networks = {absl::StrCat(config.address, "/", config.prefix_length)};
    return d;
  }
};

}  // namespace

std::unique_ptr<PlatformInfo> NewGvisorPlatformInfo() {
  return std::make_unique<GvisorPlatformInfo>();
}

}  // namespace closeprobe::agent
