// lwIP's description: its version and the compile-time options that decide
// close semantics (an embedded stack has no runtime sysctls).
#include <unistd.h>

#include <arpa/inet.h>

#include <bitset>

#include "absl/strings/str_cat.h"
#include "agent/lwip/lwip_stack.h"
#include "agent/lwip/platform_lwip.h"

extern "C" {
#include "lwip/init.h"
#include "lwip/opt.h"
#include "lwip/priv/tcp_priv.h"
}

namespace closeprobe::agent {
namespace {

class LwipPlatformInfo final : public PlatformInfo {
 public:
  PlatformDescription Describe() override {
    PlatformDescription d;
    d.platform = "lwip";
    d.stack_version = LWIP_VERSION_STRING;
    d.os = absl::StrCat("lwIP ", LWIP_VERSION_STRING, " (user space on TAP ",
                        LwipStackConfig().tap, ")");
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    d.hostname = host;
    d.settings = {
        {"TCP_MSL", absl::StrCat(TCP_MSL)},
        {"TCP_FIN_WAIT_TIMEOUT", absl::StrCat(TCP_FIN_WAIT_TIMEOUT)},
        {"TCP_KEEPIDLE_DEFAULT", absl::StrCat(TCP_KEEPIDLE_DEFAULT)},
        {"TCP_KEEPINTVL_DEFAULT", absl::StrCat(TCP_KEEPINTVL_DEFAULT)},
        {"TCP_KEEPCNT_DEFAULT", absl::StrCat(TCP_KEEPCNT_DEFAULT)},
        {"TCP_MAXRTX", absl::StrCat(TCP_MAXRTX)},
        {"TCP_SYNMAXRTX", absl::StrCat(TCP_SYNMAXRTX)},
        {"TCP_WND", absl::StrCat(TCP_WND)},
        {"TCP_SND_BUF", absl::StrCat(TCP_SND_BUF)},
        {"TCP_MSS", absl::StrCat(TCP_MSS)},
        {"SO_REUSE", absl::StrCat(SO_REUSE)},
        {"LWIP_SO_LINGER", absl::StrCat(LWIP_SO_LINGER)},
        {"LWIP_TCP_KEEPALIVE", absl::StrCat(LWIP_TCP_KEEPALIVE)},
        {"lwip.address", LwipStackConfig().address},
    };
    // lwIP's own network: where its peers are.
    uint32_t mask = 0;
    int prefix = 0;
    if (inet_pton(AF_INET, LwipStackConfig().netmask.c_str(), &mask) == 1) {
      prefix = static_cast<int>(std::bitset<32>(mask).count());
      d.networks = {absl::StrCat(LwipStackConfig().address, "/", prefix)};
    }
    return d;
  }
};

}  // namespace

std::unique_ptr<PlatformInfo> NewLwipPlatformInfo() {
  return std::make_unique<LwipPlatformInfo>();
}

}  // namespace closeprobe::agent
