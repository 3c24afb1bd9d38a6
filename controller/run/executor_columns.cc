// The executor columns (see executor_columns.h).
#include "controller/run/executor_columns.h"

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace closeprobe::controller {
namespace {

// Whether `program` is on PATH.
bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
    if (std::filesystem::exists(std::filesystem::path(std::string(dir)) / program)) return true;
  }
  return false;
}

}  // namespace

const std::vector<KnownExecutorColumn>& KnownExecutorColumns() {
  static const auto* known = new std::vector<KnownExecutorColumn>{
      {"lwip-firmware", "lwip",
       "lwIP 2.1.3 firmware with Debian's lwipopts on QEMU's mps2-an385 (Cortex-M3)"},
      {"lwip-firmware-esp-idf", "lwip",
       "lwIP 2.1.3 firmware with ESP-IDF's default lwIP options on QEMU's mps2-an385"},
      {"executor-linux", "linux",
       "the host's Linux stack behind the executor protocol (checks the protocol and proxy)"},
  };
  return *known;
}

std::vector<ExecutorColumn> ExecutorColumnsFor(const std::set<std::string>& platforms,
                                               const std::string& program_dir,
                                               std::vector<std::string>* missing) {
  std::vector<ExecutorColumn> columns;
  const std::string proxy = program_dir + "/closeprobe-agent-executor";
  for (const KnownExecutorColumn& known : KnownExecutorColumns()) {
    if (platforms.count(known.column) == 0) continue;
    ExecutorColumn c{known.column, known.platform, "", proxy};
    std::vector<std::string> needs = {proxy};
    if (c.platform == "linux") {
      needs.push_back(program_dir + "/closeprobe-executor");
      c.executor = "spawn:" + needs.back();
    } else {
      const std::string variant = c.column == "lwip-firmware" ? "debian" : "esp_idf";
      needs.push_back(absl::StrCat(program_dir, "/closeprobe-firmware-lwip-", variant, ".elf"));
      c.executor = "qemu:" + needs.back();
      if (!OnPath("qemu-system-arm")) needs.push_back("qemu-system-arm on PATH");
    }
    std::string lacking;
    for (const std::string& n : needs) {
      if (!std::filesystem::exists(n)) lacking += (lacking.empty() ? "" : ", ") + n;
    }
    if (!lacking.empty()) {
      missing->push_back(absl::StrCat("no ", c.column, " column: it needs ", lacking,
                                      " (setup_debian.sh firmware)"));
      continue;
    }
    columns.push_back(c);
  }
  return columns;
}

}  // namespace closeprobe::controller
