// Findings: the claims a report refutes or qualifies, with the observations
// that decided them, as Markdown for the README (`closeprobe findings`).
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "controller/matrix_report.h"

namespace closeprobe::controller {
namespace {

std::string Cell(const std::string& text) {
  return absl::StrReplaceAll(text, {{"|", "\\|"}, {"\n", " "}});
}

}  // namespace

void PrintFindings(const v1::Report& report, std::ostream& out) {
  for (const auto& p : report.platforms()) {
    out << "Platform `" << p.name() << "`: " << p.subject().info().os() << ", topology `"
        << report.topology() << "`, run " << report.started_at() << ".\n";
  }
  out << "\n| claim | platform | verdict | decided by | observed |\n|---|---|---|---|---|\n";
  const std::vector<MatrixRow> rows = MatrixRows(report);
  for (const auto& c : report.claims()) {
    if (c.status() != v1::REFUTED) continue;
    out << "| " << c.claim() << " | " << c.platform() << " | refuted | "
        << absl::StrJoin(std::set<std::string>(c.cases().begin(), c.cases().end()), ", ")
        << " | " << Cell(c.evidence()) << " |\n";
  }
  // Qualified: the platform behaves as documented where that differs from
  // the claim's wording for one of the steps (even if the claim held overall).
  std::set<std::string> shown;
  for (const v1::CaseResult& r : report.results()) {
    for (const auto& e : r.expectations()) {
      if (e.from_claim() || !e.met() || e.expectation().note().empty()) continue;
      const std::string key = absl::StrCat(r.case_name(), "/", e.expectation().note());
      if (!shown.insert(key).second) continue;
      out << "| " << r.claim() << " | " << r.platform() << " | qualified | " << r.case_name()
          << " | " << Cell(absl::StrCat(e.expectation().note(), ": ", e.observed())) << " |\n";
    }
  }
  for (const MatrixRow& row : rows) {
    if (row.repeat == nullptr) continue;
    out << "| " << row.claim << " | " << row.platform << " | "
        << (row.repeat->race() ? "race" : "flaky") << " | " << row.case_name << " | "
        << Cell(row.key_observation) << " |\n";
  }
  std::vector<std::string> held;
  for (const auto& c : report.claims()) {
    if (c.status() == v1::HELD) held.push_back(absl::StrCat(c.claim(), " (", c.platform(), ")"));
  }
  out << "\nHeld: " << absl::StrJoin(held, ", ") << ".\n";
}

}  // namespace closeprobe::controller
