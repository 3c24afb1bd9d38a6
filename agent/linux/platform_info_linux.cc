// Linux platform description: kernel release and the per-namespace sysctls
// that change close semantics, read afresh from /proc on every call.
#include <sys/utsname.h>
#include <unistd.h>

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

class LinuxPlatformInfo final : public PlatformInfo {
 public:
  PlatformDescription Describe() override {
    PlatformDescription d;
    d.platform = "linux";
    utsname u{};
    if (uname(&u) == 0) {
      d.os = absl::StrCat(u.sysname, " ", u.release);
      d.stack_version = u.release;
      d.hostname = u.nodename;
    }
    for (const char* name : kSysctls) d.settings[name] = ReadSysctl(name);
    return d;
  }
};

}  // namespace

std::unique_ptr<PlatformInfo> NewLinuxPlatformInfo() {
  return std::make_unique<LinuxPlatformInfo>();
}

}  // namespace closeprobe::agent
