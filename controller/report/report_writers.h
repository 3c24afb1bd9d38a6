// ReportWriters: the record of a run (report.json, results.jsonl) and every
// format made from it. The writers take the judged rows (judge/verdicts.h),
// computed once per report; none of them decides a verdict or depends on
// anything that runs cases.
#ifndef CLOSEPROBE_CONTROLLER_REPORT_REPORT_WRITERS_H_
#define CLOSEPROBE_CONTROLLER_REPORT_REPORT_WRITERS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "closeprobe/v1/report.pb.h"
#include "controller/judge/verdicts.h"

namespace closeprobe::controller {

using MatrixRows = std::vector<MatrixRow>;

// report_json.cc: DIR/report.json, protobuf's JSON mapping of the Report.
absl::Status WriteJsonReport(const v1::Report& report, const std::string& dir);
// Reads report.json, also one written before the enum values carried their
// type's prefix ("MATCHED" for VERDICT_MATCHED) and before runs recorded
// why they stopped (an old ERROR/NOT_SUPPORTED verdict becomes the stop).
absl::Status ReadJsonReport(const std::string& path, v1::Report* report);
// DIR/results.jsonl: each finished run's result as one JSON line, appended
// as the run goes, so an interrupted run keeps what it did (--resume).
absl::Status AppendJsonLine(const v1::CaseResult& result, const std::string& path);
absl::StatusOr<std::vector<v1::CaseResult>> ReadJsonLines(const std::string& path);

// report_terminal.cc: the matrix as a table, then refuted claims,
// inconclusive rows and totals.
// `width`: the terminal's columns; the cells are sized to it.
void PrintMatrix(const v1::Report& report, const MatrixRows& rows, std::ostream& out, bool color,
                 int width = 120);
// report_terminal.cc: the differences from the baselines, if any were compared.
void PrintBaselineDifferences(const v1::Report& report, std::ostream& out);

// report_html.cc: DIR/report.html, self-contained, with ladder diagrams.
absl::Status WriteHtmlReport(const v1::Report& report, const MatrixRows& rows,
                             const std::string& dir);
// report_markdown.cc: DIR/matrix.md (and the cell text it uses).
absl::Status WriteMarkdownReport(const v1::Report& report, const MatrixRows& rows,
                                 const std::string& dir);
std::string MarkdownCell(const MatrixRow& row);
// report_junit.cc: DIR/junit.xml, one testcase per case and platform.
absl::Status WriteJunitReport(const v1::Report& report, const MatrixRows& rows,
                              const std::string& dir);
// Every format above, and report.json.
absl::Status WriteAllReports(const v1::Report& report, const MatrixRows& rows,
                             const std::string& dir);

// report_findings.cc: refuted, inconclusive and qualified claims with their
// evidence, as Markdown (docs' findings are made with it).
void PrintFindings(const v1::Report& report, const MatrixRows& rows, std::ostream& out);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_REPORT_REPORT_WRITERS_H_
