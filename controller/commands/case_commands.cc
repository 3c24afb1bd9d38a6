// validate and list: the case set, loaded once, checked or listed; nothing runs.
#include <iostream>

#include "absl/strings/str_format.h"
#include "controller/commands/command_support.h"

namespace closeprobe::controller {

// A row none of whose expectations a default run (linux, lwip, gvisor) applies:
// its cells would show observations, judged by nothing.
bool CoversDefaultRun(const LoadedCase& row) {
  for (const v1::Expectation& e : row.spec.expect()) {
    if (e.platform().empty() || e.platform() == "linux" || e.platform() == "lwip" ||
        e.platform() == "gvisor") {
      return true;
    }
  }
  return false;
}

int ValidateCommand(const Config& config) {
  CaseSet set;
  if (!LoadCases(config, &set)) return kExitUsage;
  for (const LoadedCase& row : set.rows) {
    if (CoversDefaultRun(row)) continue;
    std::cout << row.file << ":1:1: warning: " << row.spec.name()
              << ": no expectation applies to linux or lwip, so a default run shows its "
                 "observations without judging them; add an expectation without `platform` "
                 "or one for each\n";
  }
  std::cout << "ok: " << set.files << (set.files == 1 ? " case file is" : " case files are")
            << " valid (" << set.rows.size() << (set.rows.size() == 1 ? " row" : " rows")
            << " with their grids' iterations)\n";
  return 0;
}

int ListCommand(const Config& config) {
  CaseSet set;
  if (!LoadCases(config, &set)) return kExitUsage;
  size_t width = 4;
  for (const LoadedCase& c : set.rows) width = std::max(width, c.spec.name().size());
  for (const LoadedCase& c : set.rows) {
    std::cout << absl::StrFormat("%-*s %-4s %s%s%s\n", width, c.spec.name(), c.spec.claim(),
                                 c.spec.summary(), c.spec.slow() ? " [slow]" : "",
                                 c.spec.pairings() ? " [pairings]" : "");
  }
  return 0;
}

}  // namespace closeprobe::controller
