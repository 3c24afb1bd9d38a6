// MatrixReport: assembles a run's Report (report.proto) from the case
// results: the summary counts, and the per-claim, per-platform verdicts.
// Writers for its formats sit in report_<format>.cc.
#ifndef CLOSEPROBE_CONTROLLER_MATRIX_REPORT_H_
#define CLOSEPROBE_CONTROLLER_MATRIX_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

// One row of the matrix: a case on a platform, with all of its runs.
struct MatrixRow {
  std::string case_name;
  std::string claim;
  std::string platform;
  std::vector<const v1::CaseResult*> runs;  // into the report
  const v1::RepeatSummary* repeat = nullptr;  // when run more than once
  v1::Verdict verdict = v1::VERDICT_UNSPECIFIED;
  v1::ClaimStatus claim_status = v1::CLAIM_STATUS_UNSPECIFIED;
  std::string key_observation;
  std::string evidence;  // why the claim was refuted, if it was
};

// The rows of a summarized report, in the order of its results.
std::vector<MatrixRow> MatrixRows(const v1::Report& report);

// Fills report->repeats, report->claims and report->summary from
// report->results.
void Summarize(v1::Report* report);

// The process exit status a report calls for: 3 if any case is ERROR,
// else 1 if any DEVIATED, else 0.
int ExitStatusFor(const v1::Report& report);

// report_json.cc: DIR/report.json, protobuf's JSON mapping of the Report.
absl::Status WriteJsonReport(const v1::Report& report, const std::string& dir);
absl::Status ReadJsonReport(const std::string& path, v1::Report* report);
// DIR/results.jsonl: each finished run's result as one JSON line, appended
// as the run goes, so an interrupted run keeps what it did (--resume).
absl::Status AppendJsonLine(const v1::CaseResult& result, const std::string& path);
absl::StatusOr<std::vector<v1::CaseResult>> ReadJsonLines(const std::string& path);

// report_terminal.cc: the matrix as a table, then refuted claims and totals.
void PrintMatrix(const v1::Report& report, std::ostream& out, bool color);

// report_terminal.cc: the differences from the baselines, if any were compared.
void PrintBaselineDifferences(const v1::Report& report, std::ostream& out);

// report_html.cc: DIR/report.html, self-contained, with ladder diagrams.
absl::Status WriteHtmlReport(const v1::Report& report, const std::string& dir);
// report_markdown.cc: DIR/matrix.md (and the cell text it uses).
absl::Status WriteMarkdownReport(const v1::Report& report, const std::string& dir);
std::string MarkdownCell(const MatrixRow& row);
// report_junit.cc: DIR/junit.xml, one testcase per case and platform.
absl::Status WriteJunitReport(const v1::Report& report, const std::string& dir);
// Every format above, and report.json.
absl::Status WriteAllReports(const v1::Report& report, const std::string& dir);

// report_findings.cc: refuted and qualified claims with their evidence, as
// a Markdown table (the README's findings are made with it).
void PrintFindings(const v1::Report& report, std::ostream& out);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_MATRIX_REPORT_H_
