// Linux platform description: kernel release and the per-namespace sysctls
// that change close semantics, read afresh from /proc on every call.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bitset>

#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "agent/linux/platform_linux.h"

namespace closeprobe::agent {
namespace {

constexpr const char* kSysctls[] = {
    "net.ipv4.tcp_fin_timeout",     "net.ipv4.tcp_tw_reuse",
    "net.ipv4.tcp_timestamps",      "net.ipv4.tcp_retries2",
    "net.ipv4.tcp_orphan_retries",  "net.ipv4.tcp_syn_retries",
    "net.ipv4.tcp_keepalive_time",  "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_max_tw_buckets",
    "net.ipv4.tcp_rfc1337",         "net.ipv4.ip_local_port_range",
};

std::string ReadSysctl(const std::string& name) {
  std::ifstream in(absl::StrCat("/proc/sys/", absl::StrReplaceAll(name, {{".", "/"}})));
  std::string value;
  std::getline(in, value);
  return in ? std::string(absl::StripAsciiWhitespace(
                  absl::StrReplaceAll(value, {{"\t", " "}})))
            : "unreadable";
}

// Each interface address with its prefix length: "198.18.3.1/24".
std::vector<std::string> InterfaceNetworks() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_netmask == nullptr) continue;
    char text[INET6_ADDRSTRLEN] = {};
    int prefix = 0;
    if (i->ifa_addr->sa_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text,
                sizeof(text));
      prefix = static_cast<int>(std::bitset<32>(
          reinterpret_cast<sockaddr_in*>(i->ifa_netmask)->sin_addr.s_addr).count());
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, text,
                sizeof(text));
      for (uint8_t byte : reinterpret_cast<sockaddr_in6*>(i->ifa_netmask)->sin6_addr.s6_addr) {
        prefix += static_cast<int>(std::bitset<8>(byte).count());
      }
    } else {
      continue;
    }
    out.push_back(absl::StrCat(text, "/", prefix));
  }
  freeifaddrs(list);
  return out;
}

class LinuxPlatformInfo final : public PlatformInfo {
 public:
  explicit LinuxPlatformInfo(std::optional<GvisorSandbox> gvisor) : gvisor_(std::move(gvisor)) {}

  PlatformDescription Describe() override {
    PlatformDescription d;
    d.platform = gvisor_ ? "gvisor" : "linux";
    utsname u{};
    if (uname(&u) == 0) {
      d.os = absl::StrCat(u.sysname, " ", u.release);
      d.stack_version = u.release;
      d.hostname = u.nodename;
    }
    if (gvisor_) {
      // The sentry's uname is a fixed "Linux 4.4.0": say what runs instead.
      const std::string version =
          gvisor_->runsc_version.empty() ? "(version not given)" : gvisor_->runsc_version;
      d.os = absl::StrCat("gVisor, runsc ", version, ", platform ",
                          gvisor_->runsc_platform.empty() ? "unknown" : gvisor_->runsc_platform,
                          " (the sentry reports ", d.os, ")");
      d.stack_version = gvisor_->runsc_version.empty() ? "unknown" : gvisor_->runsc_version;
      d.settings["gvisor.platform"] = gvisor_->runsc_platform;
    }
    for (const char* name : kSysctls) d.settings[name] = ReadSysctl(name);
    d.networks = InterfaceNetworks();
    return d;
  }

 private:
  const std::optional<GvisorSandbox> gvisor_;
};

}  // namespace

std::unique_ptr<PlatformInfo> NewLinuxPlatformInfo(std::optional<GvisorSandbox> gvisor) {
  return std::make_unique<LinuxPlatformInfo>(std::move(gvisor));
}

}  // namespace closeprobe::agent
