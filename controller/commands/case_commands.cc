// validate and list: the case set, loaded once, checked or listed; nothing runs.
#include <iostream>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "controller/commands/command_support.h"

namespace closeprobe::controller {

// A row none of whose expectations applies to any of `platforms` (the
// default run's): its cells would show observations, judged by nothing.
bool CoversPlatforms(const LoadedCase& row, const std::set<std::string>& platforms) {
  for (const v1::Expectation& e : row.spec.expect()) {
    if (e.platform().empty() || platforms.count(e.platform()) > 0) return true;
  }
  return false;
}

int ValidateCommand(const Config& config) {
  CaseSet set;
  if (!LoadCases(config, &set)) return kExitUsage;
  std::set<std::string> platforms;
  for (const Platform& p : config.platforms) platforms.insert(p.name);
  for (const LoadedCase& row : set.rows) {
    if (CoversPlatforms(row, platforms)) continue;
    std::cout << row.file << ":1:1: warning: " << row.spec.name() << ": no expectation applies to "
              << absl::StrJoin(platforms, ", ")
              << ", so a default run shows its observations without judging them; add an "
                 "expectation without `platform` or one for each\n";
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
