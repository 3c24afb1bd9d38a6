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
void AppendClaimsTable(const Matrix& matrix, std::string* md) {
  if (matrix.claims().empty()) return;
  absl::StrAppend(md, "\n| claim |");
  std::string rule = "|---|";
  for (const std::string& p : matrix.columns()) {
    absl::StrAppend(md, " ", p, " |");
    absl::StrAppend(&rule, "---|");
  }
  absl::StrAppend(md, "\n", rule, "\n");
  for (const std::string& claim : matrix.claims()) {
    absl::StrAppend(md, "| ", claim, " |");
    for (const std::string& p : matrix.columns()) {
      const v1::ClaimVerdict* verdict = matrix.ClaimCell(claim, p);
      absl::StrAppend(md, " ", verdict == nullptr ? "-" : ClaimStatusText(verdict->status()), " |");
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

absl::Status WriteMarkdownReport(const Matrix& matrix, const std::string& dir) {
  std::string md = "| case | claim |";
  std::string rule = "|---|---|";
  for (const auto& p : matrix.report().platforms()) {
    absl::StrAppend(&md, " ", p.name(), p.documented() ? " (documented)" : "", " |");
    absl::StrAppend(&rule, "---|");
  }
  absl::StrAppend(&md, "\n", rule, "\n");
  for (const MatrixCase& c : matrix.cases()) {
    absl::StrAppend(&md, "| ", c.name, " | ", c.claim.empty() ? "question" : c.claim, " |");
    for (const std::string& p : matrix.columns()) {
      const MatrixRow* cell = matrix.Cell(c.name, p);
      absl::StrAppend(&md, " ", cell == nullptr ? "no observation" : MarkdownCell(*cell), " |");
    }
    absl::StrAppend(&md, "\n");
  }
  AppendClaimsTable(matrix, &md);
  std::ofstream out(absl::StrCat(dir, "/matrix.md"));
  out << md;
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", dir, "/matrix.md"));
  return absl::OkStatus();
}

}  // namespace closeprobe::controller
