// DIR/matrix.md: the matrix as a GitHub-flavoured Markdown table, for
// READMEs and pull requests (same cells as the terminal and HTML matrices),
// then the claims table: every claim cited, its status per platform.
#include <fstream>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "controller/report/report_writers.h"

namespace closeprobe::controller {
namespace {

const char* ClaimStatusText(v1::ClaimStatus s) {
  switch (s) {
    case v1::CLAIM_STATUS_HELD: return "held";
    case v1::CLAIM_STATUS_REFUTED: return "REFUTED";
    case v1::CLAIM_STATUS_INCONCLUSIVE: return "not tested";
    default: return "n/a";
  }
}

// Every claim a case cited, one line each (report.claims is in claim order),
// with its status per platform.
void AppendClaimsTable(const v1::Report& report, std::string* md) {
  if (report.claims().empty()) return;
  std::vector<std::string> claims;
  std::map<std::pair<std::string, std::string>, const v1::ClaimVerdict*> status;
  for (const v1::ClaimVerdict& c : report.claims()) {
    if (claims.empty() || claims.back() != c.claim()) claims.push_back(c.claim());
    status[{c.claim(), c.platform()}] = &c;
  }
  absl::StrAppend(md, "\n| claim |");
  std::string rule = "|---|";
  for (const auto& p : report.platforms()) {
    absl::StrAppend(md, " ", p.name(), " |");
    absl::StrAppend(&rule, "---|");
  }
  absl::StrAppend(md, "\n", rule, "\n");
  for (const std::string& claim : claims) {
    absl::StrAppend(md, "| ", claim, " |");
    for (const auto& p : report.platforms()) {
      auto it = status.find({claim, p.name()});
      absl::StrAppend(md, " ", it == status.end() ? "-" : ClaimStatusText(it->second->status()),
                      " |");
    }
    absl::StrAppend(md, "\n");
  }
}

}  // namespace

std::string MarkdownCell(const MatrixRow& r) {
  const char* verdict = VerdictWords(r);
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
  AppendClaimsTable(report, &md);
  std::ofstream out(absl::StrCat(dir, "/matrix.md"));
  out << md;
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", dir, "/matrix.md"));
  return absl::OkStatus();
}

}  // namespace closeprobe::controller
