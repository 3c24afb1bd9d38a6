#include "controller/commands/command_support.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "controller/commands/console.h"
#include "controller/report/report_writers.h"

namespace closeprobe::controller {
namespace {

std::string FileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool UseColor(const Config& config) {
  return config.color == "always" || (config.color == "auto" && IsTerminal(1));
}

// The terminal's width, or $COLUMNS, or 120 columns when output is a file.
int TerminalWidth() {
  if (const int columns = TerminalColumns(); columns > 0) return columns;
  const char* columns = getenv("COLUMNS");
  int n = 0;
  return columns != nullptr && absl::SimpleAtoi(columns, &n) && n > 0 ? n : 120;
}

}  // namespace

bool LoadCases(const Config& config, CaseSet* set) {
  absl::StatusOr<ClaimSet> claims = LoadClaims(absl::StrSplit(config.claims, ',', absl::SkipEmpty()));
  if (!claims.ok()) {
    std::cerr << "--claims=" << config.claims << ": " << claims.status().message()
              << "\n  (--claims names the claims files or folders, comma-separated)\n";
    return false;
  }
  absl::StatusOr<CaseSet> loaded = LoadCaseSet(
      config.args.empty() ? std::vector<std::string>{config.cases_dir} : config.args, *claims);
  if (!loaded.ok()) {
    std::cerr << loaded.status().message() << "\n";
    return false;
  }
  *set = std::move(*loaded);
  return true;
}

bool LoadReport(std::string path, JudgedReport* report) {
  if (std::filesystem::is_directory(path)) path += "/report.json";
  absl::Status s = ReadJsonReport(path, &report->record);
  if (!s.ok()) {
    std::cerr << "closeprobe: " << s.message() << "\n";
    return false;
  }
  report->rows = JudgeReport(&report->record);  // as this version judges
  return true;
}

bool WriteAndPrint(const Config& config, const v1::Report& report, const MatrixRows& rows) {
  const Matrix matrix(report, rows);
  absl::Status written = WriteAllReports(matrix, config.out);
  PrintMatrix(matrix, std::cout, UseColor(config), TerminalWidth());
  if (!written.ok()) {
    std::cerr << "closeprobe: " << written.message() << "\n";
    return false;
  }
  std::cout << "Report: " << ReportFiles(config.out) << "\n";
  return true;
}

bool ReadCredentials(const Config& config, Credentials* out) {
  if (!config.token_file.empty()) {
    out->token = std::string(absl::StripAsciiWhitespace(FileText(config.token_file)));
  }
  const std::pair<std::string*, std::string> files[] = {{&out->tls.root_ca, config.tls_ca},
                                                        {&out->tls.cert, config.tls_cert},
                                                        {&out->tls.key, config.tls_key}};
  for (const auto& [into, path] : files) {
    if (path.empty()) continue;
    *into = FileText(path);
    if (into->empty()) {
      std::cerr << "closeprobe: cannot read " << path << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace closeprobe::controller
