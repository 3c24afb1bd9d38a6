// accept and diff: a report's observations as baselines, and the
// differences between two runs.
#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "controller/commands/command_support.h"
#include "controller/judge/baseline.h"

namespace closeprobe::controller {

int AcceptCommand(const Config& config) {
  JudgedReport report;
  if (config.args.size() != 1) {
    std::cerr << "closeprobe: accept takes one REPORT.json\n";
    return kExitUsage;
  }
  if (!LoadReport(config.args[0], &report)) return kExitUsage;
  std::error_code ec;
  std::filesystem::create_directories(config.baselines, ec);
  int written = 0;
  for (const v1::PlatformColumn& column : report.record.platforms()) {
    if (!config.platform.empty() && column.name() != config.platform) continue;
    absl::StatusOr<v1::Baseline> b = BaselineFrom(report.record, report.rows, column.name());
    const std::string path = absl::StrCat(
        config.baselines, "/", BaselineFileName(column.name(), b.ok() ? b->version() : ""));
    absl::Status s = b.ok() ? WriteBaseline(*b, path) : b.status();
    if (!s.ok()) {
      std::cerr << "closeprobe: " << s.message() << "\n";
      return kExitInfra;
    }
    std::cout << "baseline of " << column.name() << " " << b->version() << ": " << path << " ("
              << b->row_size() << " rows)\n";
    ++written;
  }
  if (written == 0) {
    std::cerr << "closeprobe: the report has no column '" << config.platform << "'\n";
    return kExitUsage;
  }
  return 0;
}

// Races' differences are shown but do not count.
int DiffCommand(const Config& config) {
  if (config.args.size() != 2) {
    std::cerr << "closeprobe: diff takes two REPORT.json\n";
    return kExitUsage;
  }
  JudgedReport a, b;
  if (!LoadReport(config.args[0], &a) || !LoadReport(config.args[1], &b)) return kExitUsage;
  int counted = 0, compared = 0;
  for (const v1::PlatformColumn& column : a.record.platforms()) {
    if (!config.platform.empty() && column.name() != config.platform) continue;
    absl::StatusOr<v1::Baseline> recorded = BaselineFrom(a.record, a.rows, column.name());
    if (!recorded.ok() || !BaselineFrom(b.record, b.rows, column.name()).ok()) continue;
    ++compared;
    std::vector<v1::BaselineDifference> d = CompareWithBaseline(*recorded, b.rows, config.args[0]);
    std::cout << column.name() << ": " << recorded->row_size() << " rows compared, " << d.size()
              << (d.size() == 1 ? " difference\n" : " differences\n");
    for (const auto& x : d) {
      std::cout << "  " << (x.race() ? "race   " : "DIFFERS") << " " << x.case_name() << " "
                << x.what() << ": " << config.args[0] << " " << x.baseline() << ", "
                << config.args[1] << " " << x.observed() << "\n";
      counted += x.race() ? 0 : 1;
    }
  }
  if (compared == 0) {
    std::cerr << "closeprobe: the two reports have no column in common\n";
    return kExitUsage;
  }
  return counted == 0 ? 0 : 1;
}

}  // namespace closeprobe::controller
