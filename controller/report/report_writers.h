// ReportWriters: the record of a run (report.json, results.jsonl) and every
// format made from it. The writers take the matrix (matrix.h), laid out once
// from the rows judged once per report (judge/verdicts.h); none of them
// decides a verdict or depends on anything that runs cases.
#ifndef CLOSEPROBE_CONTROLLER_REPORT_REPORT_WRITERS_H_
#define CLOSEPROBE_CONTROLLER_REPORT_REPORT_WRITERS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "closeprobe/v1/report.pb.h"
#include "controller/judge/verdicts.h"
#include "controller/report/matrix.h"

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
void PrintMatrix(const Matrix& matrix, std::ostream& out, bool color, int width = 120);
// report_terminal.cc: the differences from the baselines, if any were compared.
void PrintBaselineDifferences(const v1::Report& report, std::ostream& out);

// report_markdown.cc: the text of a row's cell in matrix.md.
std::string MarkdownCell(const MatrixRow& row);

// report_findings.cc: refuted, inconclusive and qualified claims with their
// evidence, as Markdown (docs' findings are made with it).
void PrintFindings(const Matrix& matrix, std::ostream& out);

// report_writers.cc: the files a run writes, one row per format; --help, the
// "Report:" line and WriteAllReports all read this table. A format's writer
// is declared beside its row there, not here: nothing else calls it.
struct ReportFormat {
  const char* file;  // in the report's folder: "report.html"
  const char* what;  // for --help
  absl::Status (*write)(const Matrix& matrix, const std::string& dir);
};
const std::vector<ReportFormat>& ReportFormats();
// "DIR/{report.json,report.html,...}"
std::string ReportFiles(const std::string& dir);
// Every format, report.json first; stops at the first that cannot be written.
absl::Status WriteAllReports(const Matrix& matrix, const std::string& dir);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_REPORT_REPORT_WRITERS_H_
