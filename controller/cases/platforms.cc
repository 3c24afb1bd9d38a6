// The platform table (see platforms.h).
#include "controller/cases/platforms.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "controller/cases/did_you_mean.h"

namespace closeprobe::controller {
namespace {

constexpr char kGuestPattern[] = "linux-X.Y";

bool IsGuestName(const std::string& name) {
  return absl::StartsWith(name, "linux-") && name.size() > 6 && absl::ascii_isdigit(name[6]);
}

std::vector<std::string> RunnableNames() {
  std::vector<std::string> names;
  for (const Platform& p : Platforms()) {
    if (p.host != HostKind::kDocumented) names.push_back(p.name);
  }
  return names;
}

}  // namespace

const std::vector<Platform>& Platforms() {
  // name, falls back on, host, agent program, TAP flag prefix, agent flags,
  // fast forward, executor, description.
  static const auto* table = new std::vector<Platform>{
      {"linux", "", HostKind::kNamespacePair, "closeprobe-agent", "", {}, false, "",
       "this machine's kernel (root: a network namespace per host; else loopback)"},
      {"lwip", "", HostKind::kTapStack, "closeprobe-agent-lwip", "lwip", {}, true, "",
       "lwIP 2.1.3 in the agent's process on a TAP device (needs root)"},
      {"gvisor", "", HostKind::kRunscSandbox, "closeprobe-agent", "", {}, false, "",
       "the Linux agent in a runsc sandbox: gVisor's sentry and netstack (needs root and runsc)"},
      // gVisor's settings are its own process's: the agent may change them.
      {"gvisor-netstack", "gvisor", HostKind::kTapStack, "closeprobe-agent-gvisor", "gvisor",
       {"--allow_settings"}, false, "",
       "gVisor's netstack in the agent's process on a TAP device (needs root)"},
      {kGuestPattern, "linux", HostKind::kQemuGuest, "closeprobe-agent", "", {}, false, "",
       "another Linux kernel under QEMU, e.g. linux-6.1 (needs root and "
       "scripts/build_linux_guest.sh)"},
      {"lwip-firmware", "lwip", HostKind::kExecutor, "closeprobe-agent-executor", "executor", {},
       false, "qemu:closeprobe-firmware-lwip-debian.elf",
       "lwIP 2.1.3 firmware with Debian's lwipopts on QEMU's mps2-an385 (needs root and "
       "setup_debian.sh firmware)"},
      {"lwip-firmware-esp-idf", "lwip", HostKind::kExecutor, "closeprobe-agent-executor",
       "executor", {}, false, "qemu:closeprobe-firmware-lwip-esp_idf.elf",
       "lwIP 2.1.3 firmware with ESP-IDF's default lwIP options on QEMU's mps2-an385 (needs "
       "root and setup_debian.sh firmware)"},
      {"executor-linux", "linux", HostKind::kExecutor, "closeprobe-agent-executor", "", {}, false,
       "spawn:closeprobe-executor",
       "this kernel behind the executor protocol (checks the protocol and its proxy)"},
      {"windows", "", HostKind::kDocumented, "", "", {}, false, "",
       "Windows: documented, or a remote agent"},
      {"macos", "", HostKind::kDocumented, "", "", {}, false, "", "macOS: documented"},
      {"freebsd", "", HostKind::kDocumented, "", "", {}, false, "", "FreeBSD: documented"},
      {"netbsd", "", HostKind::kDocumented, "", "", {}, false, "", "NetBSD: documented"},
  };
  return *table;
}

std::optional<Platform> FindPlatform(const std::string& name) {
  const bool guest = IsGuestName(name);
  for (const Platform& p : Platforms()) {
    if (guest ? p.host != HostKind::kQemuGuest : p.name != name) continue;
    Platform row = p;
    row.name = name;
    return row;
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<Platform>> ParsePlatformList(const std::string& list) {
  std::vector<Platform> rows;
  for (absl::string_view part : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    const std::string name(absl::StripAsciiWhitespace(part));
    const std::optional<Platform> p = FindPlatform(name);
    if (!p.has_value() || p->host == HostKind::kDocumented) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--platforms: '", name, "' is not a platform this controller can run",
          p.has_value() ? " (its column is documentation only)" : "", DidYouMean(name, RunnableNames())));
    }
    bool twice = false;
    for (const Platform& row : rows) twice |= row.name == name;
    if (!twice) rows.push_back(*p);
  }
  if (rows.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--platforms names no platform (one or more of ",
                                                   absl::StrJoin(RunnableNames(), ", "), ")"));
  }
  return rows;
}

std::vector<std::string> ExpectationPlatformNames() {
  std::vector<std::string> names;
  for (const Platform& p : Platforms()) {
    if (p.host != HostKind::kQemuGuest) names.push_back(p.name);
  }
  return names;
}

std::string PlatformHelp() {
  std::string help;
  for (const Platform& p : Platforms()) {
    if (p.host != HostKind::kDocumented) absl::StrAppend(&help, "; ", p.name, ": ", p.description);
  }
  return help.substr(2);
}

}  // namespace closeprobe::controller
