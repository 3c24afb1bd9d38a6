// The table of report formats (see report_writers.h).
#include "absl/strings/str_cat.h"
#include "controller/report/report_writers.h"

namespace closeprobe::controller {

// Each writer is defined in the file named for its format, report_NAME.cc,
// and called only from this table.
absl::Status WriteHtmlReport(const Matrix& matrix, const std::string& dir);
absl::Status WriteMarkdownReport(const Matrix& matrix, const std::string& dir);
absl::Status WriteJunitReport(const Matrix& matrix, const std::string& dir);

const std::vector<ReportFormat>& ReportFormats() {
  static const auto* formats = new std::vector<ReportFormat>{
      {"report.json", "the record: every run, step and expectation, as protobuf JSON",
       [](const Matrix& m, const std::string& dir) { return WriteJsonReport(m.report(), dir); }},
      {"report.html", "the matrix with each row's ladder diagram, self-contained",
       &WriteHtmlReport},
      {"matrix.md", "the matrix and the claims as Markdown tables", &WriteMarkdownReport},
      {"junit.xml", "a testsuite per column for CI", &WriteJunitReport},
  };
  return *formats;
}

std::string ReportFiles(const std::string& dir) {
  std::string files;
  for (const ReportFormat& f : ReportFormats()) absl::StrAppend(&files, files.empty() ? "" : ",", f.file);
  return absl::StrCat(dir, "/{", files, "}");
}

absl::Status WriteAllReports(const Matrix& matrix, const std::string& dir) {
  for (const ReportFormat& f : ReportFormats()) {
    if (absl::Status s = f.write(matrix, dir); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace closeprobe::controller
