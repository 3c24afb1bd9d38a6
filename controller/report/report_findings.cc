// Findings: the claims a report refutes or qualifies, with the observations
// that decided them, as Markdown for the README (`closeprobe findings`).
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "controller/report/report_writers.h"

namespace closeprobe::controller {
namespace {

std::string Cell(const std::string& text) {
  return absl::StrReplaceAll(text, {{"|", "\\|"}, {"\n", " "}});
}

// Columns of one stack in two versions (linux and linux-6.1): the rows whose
// key observations differ, and the stack settings whose defaults differ.
void PrintVersionDifferences(const Matrix& matrix, std::ostream& out) {
  const v1::Report& report = matrix.report();
  std::map<std::string, std::vector<const v1::PlatformColumn*>> by_stack;
  for (const auto& p : report.platforms()) {
    if (!p.documented()) by_stack[p.subject().info().platform()].push_back(&p);
  }
  for (const auto& [stack, columns] : by_stack) {
    for (size_t i = 1; i < columns.size(); ++i) {
      const v1::PlatformColumn& a = *columns.front();
      const v1::PlatformColumn& b = *columns[i];
      out << "\nThe same stack in two versions: `" << a.name() << "` ("
          << a.subject().info().stack_version() << ") and `" << b.name() << "` ("
          << b.subject().info().stack_version()
          << (b.emulation().empty() ? "" : ", under " + b.emulation()) << ").\n\n";
      // Only observations on both sides: n/s and inconclusive rows say nothing
      // about a difference.
      const auto observed = [](const MatrixRow& row) {
        return row.verdict == v1::VERDICT_MATCHED || row.verdict == v1::VERDICT_DEVIATED;
      };
      int both = 0;
      std::ostringstream table;
      for (const MatrixCase& c : matrix.cases()) {
        const MatrixRow* row_a = matrix.Cell(c.name, a.name());
        const MatrixRow* row_b = matrix.Cell(c.name, b.name());
        if (row_a == nullptr || row_b == nullptr || !observed(*row_a) || !observed(*row_b)) continue;
        ++both;
        if (row_a->key_observation == row_b->key_observation) continue;
        table << "| " << c.name << " | " << Cell(row_a->key_observation) << " | "
              << Cell(row_b->key_observation) << " |\n";
      }
      if (table.str().empty()) {
        out << "All " << both << " rows observed on both gave the same key observations.\n";
      } else {
        out << "Of " << both << " rows observed on both, these differ:\n\n| case | " << a.name()
            << " | " << b.name() << " |\n|---|---|---|\n" << table.str();
      }
      for (const auto& [name, value] : a.subject().info().settings()) {
        auto it = b.subject().info().settings().find(name);
        if (it != b.subject().info().settings().end() && it->second != value) {
          out << "\nDefault `" << name << "`: " << value << " on " << a.name() << ", " << it->second
              << " on " << b.name() << ".\n";
        }
      }
    }
  }
}

}  // namespace

void PrintFindings(const Matrix& matrix, std::ostream& out) {
  const v1::Report& report = matrix.report();
  const MatrixRows& rows = matrix.rows();
  for (const auto& p : report.platforms()) {
    out << "Platform `" << p.name() << "`: " << p.subject().info().os()
        << (p.emulation().empty() ? "" : " under " + p.emulation()) << ", topology `"
        << report.topology() << "`, run " << report.started_at() << ".\n";
  }
  out << "\n| claim | platform | verdict | decided by | observed |\n|---|---|---|---|---|\n";
  for (const auto& c : report.claims()) {
    if (c.status() != v1::CLAIM_STATUS_REFUTED) continue;
    out << "| " << c.claim() << " | " << c.platform() << " | refuted | "
        << absl::StrJoin(std::set<std::string>(c.cases().begin(), c.cases().end()), ", ")
        << " | " << Cell(c.evidence()) << " |\n";
  }
  // Inconclusive: rows that could not test the claim, and why.
  for (const auto& c : report.claims()) {
    for (const std::string& row_why : c.inconclusive()) {  // "case: why"
      const size_t colon = row_why.find(": ");
      out << "| " << c.claim() << " | " << c.platform() << " | inconclusive | "
          << Cell(row_why.substr(0, colon)) << " | "
          << Cell(colon == std::string::npos ? "" : row_why.substr(colon + 2)) << " |\n";
    }
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
  // Where the platforms differ: the same case, different observations.
  const std::vector<std::string>& platforms = matrix.columns();
  if (platforms.size() > 1) {
    out << "\nDifferences between platforms (cases whose key observations differ):\n\n| case | claim |";
    for (const auto& p : platforms) out << " " << p << " |";
    out << "\n|---|---|";
    for (size_t i = 0; i < platforms.size(); ++i) out << "---|";
    out << "\n";
    for (const MatrixCase& c : matrix.cases()) {
      std::set<std::string> seen;
      for (const auto& p : platforms) {
        if (const MatrixRow* row = matrix.Cell(c.name, p)) seen.insert(row->key_observation);
      }
      if (seen.size() < 2) continue;
      out << "| " << c.name << " | " << c.claim << " |";
      for (const auto& p : platforms) {
        const MatrixRow* row = matrix.Cell(c.name, p);
        out << " " << (row == nullptr ? "-" : Cell(row->key_observation)) << " |";
      }
      out << "\n";
    }
  }
  PrintVersionDifferences(matrix, out);
  // Every claim cited has its entry: held, or tested by nothing (its cases
  // state no claim-level expectation, or could not run).
  std::vector<std::string> held, untested;
  for (const auto& c : report.claims()) {
    const std::string where = absl::StrCat(c.claim(), " (", c.platform(), ")");
    if (c.status() == v1::CLAIM_STATUS_HELD) held.push_back(where);
    if (c.status() == v1::CLAIM_STATUS_NOT_APPLICABLE) untested.push_back(where);
  }
  out << "\nHeld: " << absl::StrJoin(held, ", ") << ".\n";
  if (!untested.empty()) {
    out << "\nNo verdict (no claim-level expectation applied, or the case did not run): "
        << absl::StrJoin(untested, ", ") << ".\n";
  }
}

}  // namespace closeprobe::controller
