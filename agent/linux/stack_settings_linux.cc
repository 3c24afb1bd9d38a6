// Stack settings on Linux: the sysctls under /proc/sys/net of the agent's
// network namespace (per namespace for the TCP settings that matter here).
#include <sys/statvfs.h>

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "agent/linux/platform_linux.h"

namespace closeprobe::agent {
namespace {

bool IsNetSetting(const std::string& name) {
  if (!absl::StartsWith(name, "net.ipv4.") && !absl::StartsWith(name, "net.ipv6.") &&
      !absl::StartsWith(name, "net.core.")) {
    return false;
  }
  for (char c : name) {
    if (!(absl::ascii_isalnum(c) || c == '.' || c == '_')) return false;
  }
  return name.find("..") == std::string::npos;
}

class LinuxStackSettings final : public StackSettings {
 public:
  explicit LinuxStackSettings(bool gvisor) : gvisor_(gvisor) {}

  absl::StatusOr<std::string> Set(const std::string& name, const std::string& value) override {
    if (!IsNetSetting(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", name, "' is not a net.ipv4/net.ipv6/net.core setting"));
    }
    for (char c : value) {
      if (!(absl::ascii_isalnum(c) || c == ' ' || c == '\t' || c == '-')) {
        return absl::InvalidArgumentError(absl::StrCat("bad value '", value, "' for ", name));
      }
    }
    const std::string path =
        absl::StrCat("/proc/sys/", absl::StrReplaceAll(name, {{".", "/"}}));
    std::ifstream in(path);
    std::string previous;
    if (!std::getline(in, previous)) {
      // gVisor's sentry has only a few of Linux's settings.
      if (gvisor_) return absl::UnimplementedError(absl::StrCat("gVisor has no ", name));
      return absl::InvalidArgumentError(absl::StrCat("no such setting: ", name));
    }
    // A container without the right to change its network settings mounts
    // /proc/sys read-only: the stack has settings, this host cannot change them.
    struct statvfs fs;
    if (statvfs(path.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0) {
      return absl::UnimplementedError(absl::StrCat(
          "cannot change ", name, ": /proc/sys is read-only on this host (a container)"));
    }
    std::ofstream out(path);
    out << value << "\n";
    out.flush();
    // Some of the sentry's settings are read-only stubs (tcp_retries2,
    // tcp_timestamps): the write fails, or leaves the value as it was.
    if (gvisor_ && (!out || Read(path) != absl::StripAsciiWhitespace(value))) {
      return absl::UnimplementedError(absl::StrCat("gVisor's ", name, " cannot be changed"));
    }
    if (!out) {
      return absl::PermissionDeniedError(absl::StrCat("cannot write ", name, " (root needed)"));
    }
    return std::string(absl::StripAsciiWhitespace(previous));
  }

 private:
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::string value;
    std::getline(in, value);
    return std::string(absl::StripAsciiWhitespace(absl::StrReplaceAll(value, {{"\t", " "}})));
  }

  const bool gvisor_;
};

}  // namespace

std::unique_ptr<StackSettings> NewLinuxStackSettings(bool gvisor) {
  return std::make_unique<LinuxStackSettings>(gvisor);
}

}  // namespace closeprobe::agent
