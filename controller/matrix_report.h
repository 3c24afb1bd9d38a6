// MatrixReport: assembles a run's Report (report.proto) from the case
// results: the summary counts, and the per-claim, per-platform verdicts.
// Writers for its formats sit in report_<format>.cc.
#ifndef CLOSEPROBE_CONTROLLER_MATRIX_REPORT_H_
#define CLOSEPROBE_CONTROLLER_MATRIX_REPORT_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

// Fills report->claims and report->summary from report->results.
void Summarize(v1::Report* report);

// The process exit status a report calls for: 3 if any case is ERROR,
// else 1 if any DEVIATED, else 0.
int ExitStatusFor(const v1::Report& report);

// report_json.cc: DIR/report.json, protobuf's JSON mapping of the Report.
absl::Status WriteJsonReport(const v1::Report& report, const std::string& dir);
absl::Status ReadJsonReport(const std::string& path, v1::Report* report);

// report_terminal.cc: the matrix as a table, then refuted claims and totals.
void PrintMatrix(const v1::Report& report, std::ostream& out, bool color);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_MATRIX_REPORT_H_
