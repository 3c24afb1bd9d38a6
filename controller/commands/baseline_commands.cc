// accept and diff: a report's observations as baselines, and the
// differences between two runs.
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/commands/command_support.h"
#include "controller/judge/baseline.h"
#include "controller/judge/claim_order.h"
#include "controller/report/case_file_hashes.h"

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

namespace {

const char* ClaimStatusWord(v1::ClaimStatus s) {
  switch (s) {
    case v1::CLAIM_STATUS_HELD: return "held";
    case v1::CLAIM_STATUS_REFUTED: return "REFUTED";
    case v1::CLAIM_STATUS_INCONCLUSIVE: return "untested";
    case v1::CLAIM_STATUS_NOT_APPLICABLE: return "n/a";
    default: return "not judged";
  }
}

// The rows of `platform` that both reports have.
int RowsInBoth(const MatrixRows& a, const MatrixRows& b, const std::string& platform) {
  std::set<std::string> in_a;
  for (const MatrixRow& row : a) {
    if (row.platform == platform) in_a.insert(row.case_name);
  }
  int both = 0;
  for (const MatrixRow& row : b) both += row.platform == platform && in_a.count(row.case_name);
  return both;
}

// Claims of `platform` whose verdict differs between the reports: each
// "CLAIM: STATUS_A, STATUS_B" (a claim one report lacks is "not judged").
std::vector<std::string> ClaimChanges(const v1::Report& a, const v1::Report& b,
                                      const std::string& platform) {
  std::map<std::string, std::pair<v1::ClaimStatus, v1::ClaimStatus>, ClaimLess> by_claim;
  for (const v1::ClaimVerdict& c : a.claims()) {
    if (c.platform() == platform) by_claim[c.claim()].first = c.status();
  }
  for (const v1::ClaimVerdict& c : b.claims()) {
    if (c.platform() == platform) by_claim[c.claim()].second = c.status();
  }
  std::vector<std::string> out;
  for (const auto& [claim, statuses] : by_claim) {
    if (statuses.first == statuses.second) continue;
    out.push_back(absl::StrCat(claim, ": ", ClaimStatusWord(statuses.first), ", ",
                               ClaimStatusWord(statuses.second)));
  }
  return out;
}

}  // namespace

// Races' differences are shown but do not count; a claim whose verdict
// changed counts.
int DiffCommand(const Config& config) {
  if (config.args.size() != 2) {
    std::cerr << "closeprobe: diff takes two REPORT.json\n";
    return kExitUsage;
  }
  JudgedReport a, b;
  if (!LoadReport(config.args[0], &a) || !LoadReport(config.args[1], &b)) return kExitUsage;
  const std::vector<std::string> changed = ChangedCaseFiles(a.record, b.record);
  if (!changed.empty()) {
    std::cout << "warning: " << changed.size()
              << " case files changed between the two runs, so their rows may differ because "
                 "of the case, not the stack: "
              << absl::StrJoin(changed, ", ") << "\n";
  } else if (a.record.case_file_hashes().empty() || b.record.case_file_hashes().empty()) {
    std::cout << "note: " << (a.record.case_file_hashes().empty() ? config.args[0] : config.args[1])
              << " records no case file hashes, so a changed case cannot be told apart\n";
  }
  int counted = 0, compared = 0;
  // Columns one run has and the other lacks are named, not compared.
  for (const auto& [one, other, path] : {std::make_tuple(&a, &b, config.args[0]),
                                         std::make_tuple(&b, &a, config.args[1])}) {
    for (const v1::PlatformColumn& column : one->record.platforms()) {
      if (!config.platform.empty() && column.name() != config.platform) continue;
      if (!BaselineFrom(other->record, other->rows, column.name()).ok()) {
        std::cout << column.name() << ": only in " << path << "\n";
      }
    }
  }
  for (const v1::PlatformColumn& column : a.record.platforms()) {
    if (!config.platform.empty() && column.name() != config.platform) continue;
    absl::StatusOr<v1::Baseline> recorded = BaselineFrom(a.record, a.rows, column.name());
    if (!recorded.ok() || !BaselineFrom(b.record, b.rows, column.name()).ok()) continue;
    ++compared;
    std::vector<v1::BaselineDifference> d = CompareWithBaseline(*recorded, b.rows, config.args[0]);
    const std::vector<std::string> claims = ClaimChanges(a.record, b.record, column.name());
    const int both = RowsInBoth(a.rows, b.rows, column.name());
    std::cout << column.name() << ": " << both << (both == 1 ? " row" : " rows")
              << " compared, " << d.size() << (d.size() == 1 ? " difference" : " differences")
              << ", " << claims.size() << (claims.size() == 1 ? " claim verdict" : " claim verdicts")
              << " changed\n";
    for (const auto& x : d) {
      std::cout << "  " << (x.race() ? "race   " : "DIFFERS") << " " << x.case_name() << " "
                << x.what() << ": " << config.args[0] << " " << x.baseline() << ", "
                << config.args[1] << " " << x.observed() << "\n";
      counted += x.race() ? 0 : 1;
    }
    for (const std::string& claim : claims) {
      std::cout << "  CLAIM   " << claim << " (" << config.args[0] << ", " << config.args[1]
                << ")\n";
    }
    counted += static_cast<int>(claims.size());
  }
  if (compared == 0) {
    std::cerr << "closeprobe: the two reports have no column in common\n";
    return kExitUsage;
  }
  return counted == 0 ? 0 : 1;
}

}  // namespace closeprobe::controller
