// show, report, findings and merge: commands that read saved reports, judge
// them once and hand the rows to the writers.
#include <filesystem>
#include <iostream>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "controller/commands/command_support.h"
#include "controller/commands/row_suggestions.h"
#include "controller/report/ladder.h"
#include "controller/report/report_merge.h"
#include "controller/report/report_writers.h"

namespace closeprobe::controller {
namespace {

// A command's one REPORT.json argument, loaded and judged.
bool LoadOnlyArgument(const Config& config, const char* command, JudgedReport* report) {
  if (config.args.size() != 1) {
    std::cerr << "closeprobe: " << command << " takes one REPORT.json\n";
    return false;
  }
  return LoadReport(config.args[0], report);
}

// Whether an expectation held, as show's left column says it: premises
// held or not, the platform's own met or not, the claim's not met.
std::string ExpectationLabel(const v1::ExpectationResult& e) {
  const char* label = e.expectation().premise() ? (e.met() ? "premise held" : "premise NOT MET")
                      : e.met()                 ? "met"
                      : e.from_claim()          ? "claim NOT MET"
                                                : "NOT MET";
  return absl::StrFormat("%-16s ", label);
}

void PrintRow(const MatrixRow& row) {
  const v1::CaseResult& r = *row.runs.front();
  std::cout << r.case_name() << " (" << r.claim() << ") on " << r.platform() << ": "
            << r.summary() << "\n"
            << MarkdownCell(row) << "\n";
  // The cell already says why a stopped run stopped.
  if (!r.error().empty() && row.key_observation != r.error()) std::cout << r.error() << "\n";
  std::cout << "\n";
  PrintLadder(BuildLadder(r), std::cout);
  std::cout << "\n";
  for (const auto& e : r.expectations()) {
    std::cout << "  " << ExpectationLabel(e)
              << (e.expectation().step().empty() ? "" : e.expectation().step() + ": ")
              << e.expected() << "  observed " << e.observed() << "\n";
  }
  for (const v1::StartGroup& g : r.start_groups()) {
    std::cout << "  together '" << g.name() << "': started " << g.skew_ns() / 1000.0
              << " us apart (clock uncertainty " << g.clock_uncertainty_ns() / 1000.0
              << " us), the latest " << g.latest_late_ns() / 1000.0 << " us after the instant\n";
  }
  if (row.runs.size() > 1) {
    std::cout << "\n" << row.runs.size() << " runs: " << row.key_observation << "\n";
  }
}

// The reports near `source` that have the row `asked`, as commands to type.
void PrintOtherReports(const std::string& asked, const std::string& source) {
  for (const std::string& other : ReportsWithRow(asked, source)) {
    std::cerr << "  another report has it: closeprobe show " << asked << " --report " << other
              << "\n";
  }
}

// Why show found no row, with the names near it and the other reports
// that have it.
void PrintRowNotFound(const std::string& asked, const std::string& source, const MatrixRows& rows) {
  std::vector<std::string> names;
  for (const MatrixRow& row : rows) {
    if (names.empty() || names.back() != row.case_name) names.push_back(row.case_name);
  }
  std::cerr << "closeprobe: no row '" << asked << "' in " << source << "\n";
  const std::vector<std::string> nearby = NearRowNames(asked, names);
  if (!nearby.empty()) std::cerr << "  did you mean: " << absl::StrJoin(nearby, ", ") << "\n";
  PrintOtherReports(asked, source);
}

}  // namespace

int ShowCommand(const Config& config) {
  if (config.args.size() != 1) {
    std::cerr << "closeprobe: show takes one CASE name\n";
    return kExitUsage;
  }
  const std::string source = config.report.empty() ? config.out : config.report;
  const std::string& asked = config.args[0];
  JudgedReport report;
  if (std::error_code ec; !std::filesystem::exists(source, ec)) {
    std::cerr << "closeprobe: no report at " << source
              << " (--report names one; it defaults to --out's folder)\n";
    PrintOtherReports(asked, source);
    return kExitUsage;
  }
  if (!LoadReport(source, &report)) return kExitUsage;
  std::vector<std::string> platforms;
  for (const MatrixRow& row : report.rows) {
    if (row.case_name != asked) continue;
    if (!config.platform.empty() && row.platform != config.platform) {
      platforms.push_back(row.platform);
      continue;
    }
    PrintRow(row);
    return 0;
  }
  if (!platforms.empty()) {
    std::cerr << "closeprobe: no column '" << config.platform << "' for '" << asked << "' in "
              << source << "; it has: " << absl::StrJoin(platforms, ", ") << " (--platform)\n";
    return kExitUsage;
  }
  PrintRowNotFound(asked, source, report.rows);
  return kExitUsage;
}

int ReportCommand(const Config& config) {
  JudgedReport report;
  if (!LoadOnlyArgument(config, "report", &report)) return kExitUsage;
  return WriteAndPrint(config, report.record, report.rows) ? 0 : kExitInfra;
}

int FindingsCommand(const Config& config) {
  JudgedReport report;
  if (!LoadOnlyArgument(config, "findings", &report)) return kExitUsage;
  PrintFindings(Matrix(report.record, report.rows), std::cout);
  return 0;
}

// Several runs' reports as one matrix, plus documented columns for the
// platforms no run observed.
int MergeCommand(const Config& config) {
  if (config.args.size() < 2) {
    std::cerr << "closeprobe: merge takes two or more REPORT.json\n";
    return kExitUsage;
  }
  std::vector<std::pair<std::string, v1::Report>> reports;
  for (const std::string& path : config.args) {
    JudgedReport one;
    if (!LoadReport(path, &one)) return kExitUsage;
    reports.emplace_back(path, one.record);
  }
  Config cases_only = config;
  cases_only.args.clear();
  CaseSet set;
  if (!LoadCases(cases_only, &set)) return kExitUsage;
  ExpandPairings({"linux"}, &set);  // documented at the reference pairing
  v1::Report merged = MergeReports(reports);
  AddDocumentedColumns(set.rows, &merged);
  const MatrixRows rows = JudgeReport(&merged);
  return WriteAndPrint(config, merged, rows) ? 0 : kExitInfra;
}

}  // namespace closeprobe::controller
