// gVisor's stack settings (settings.go): its transport protocol options,
// under the Linux sysctl names where the meaning is the same.
#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "agent/gvisor/netstack/gvisor_abi.h"
#include "agent/gvisor/platform_gvisor.h"

namespace closeprobe::agent {
namespace {

class GvisorStackSettings final : public StackSettings {
 public:
  absl::StatusOr<std::string> Set(const std::string& name, const std::string& value) override {
    std::string n = name, v = value;
    char previous[256] = {};
    const int r = closeprobe_gvisor_set_setting(n.data(), v.data(), previous, sizeof(previous));
    if (r == -EINVAL) {
      return absl::UnimplementedError(absl::StrCat(
          "gVisor's netstack has no setting '", name,
          "' (it has net.ipv4.tcp_fin_timeout, net.ipv4.tcp_tw_reuse, net.ipv4.tcp_retries2 and "
          "gvisor.tcp_time_wait_timeout)"));
    }
    if (r != 0) return absl::InvalidArgumentError(previous);
    return std::string(previous);
  }
};

}  // namespace

std::unique_ptr<StackSettings> NewGvisorStackSettings() {
  return std::make_unique<GvisorStackSettings>();
}

}  // namespace closeprobe::agent
