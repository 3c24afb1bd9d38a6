// DIR/matrix.md: the matrix as a GitHub-flavoured Markdown table, for
// READMEs and pull requests. Same cells as the terminal and HTML matrices.
#include <fstream>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "controller/report/report_writers.h"

namespace closeprobe::controller {

std::string MarkdownCell(const MatrixRow& r) {
  const char* verdict = r.verdict == v1::VERDICT_MATCHED      ? "ok"
                        : r.verdict == v1::VERDICT_DEVIATED   ? "DEVIATED"
                        : r.verdict == v1::VERDICT_ERROR      ? "ERROR"
                        : r.verdict == v1::VERDICT_NOT_SUPPORTED ? "not supported"
                        : r.verdict == v1::VERDICT_DOCUMENTED    ? "documented, not observed"
                        : r.verdict == v1::VERDICT_INCONCLUSIVE  ? "INCONCLUSIVE"
                                                      : "?";
  const char* claim = r.claim_status == v1::CLAIM_STATUS_HELD      ? "held"
                      : r.claim_status == v1::CLAIM_STATUS_REFUTED ? "REFUTED"
                      : r.claim_status == v1::CLAIM_STATUS_INCONCLUSIVE ? "not tested"
                                                      : "n/a";
  const std::string why = r.inconclusive.empty() ? "" : absl::StrCat(" (", r.inconclusive, ")");
  return absl::StrReplaceAll(absl::StrCat(verdict, ", claim ", claim, ": ", r.key_observation, why),
                             {{"|", "\\|"}, {"\n", " "}});
}

absl::Status WriteMarkdownReport(const v1::Report& report, const MatrixRows& rows,
                                 const std::string& dir) {
  std::vector<std::string> platforms;
  for (const auto& p : report.platforms()) platforms.push_back(p.name());
  std::vector<std::string> cases;
  std::map<std::pair<std::string, std::string>, std::string> cells;
  std::map<std::string, std::string> claim_of;
  for (const MatrixRow& r : rows) {
    if (claim_of.emplace(r.case_name, r.claim).second) cases.push_back(r.case_name);
    cells[{r.case_name, r.platform}] = MarkdownCell(r);
  }
  std::string md = "| case | claim |";
  std::string rule = "|---|---|";
  for (const auto& p : report.platforms()) {
    absl::StrAppend(&md, " ", p.name(), p.documented() ? " (documented)" : "", " |");
    absl::StrAppend(&rule, "---|");
  }
  absl::StrAppend(&md, "\n", rule, "\n");
  for (const auto& name : cases) {
    absl::StrAppend(&md, "| ", name, " | ", claim_of[name].empty() ? "question" : claim_of[name],
                    " |");
    for (const auto& p : platforms) {
      auto it = cells.find({name, p});
      absl::StrAppend(&md, " ", it == cells.end() ? "no observation" : it->second, " |");
    }
    absl::StrAppend(&md, "\n");
  }
  std::ofstream out(absl::StrCat(dir, "/matrix.md"));
  out << md;
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", dir, "/matrix.md"));
  return absl::OkStatus();
}

}  // namespace closeprobe::controller
