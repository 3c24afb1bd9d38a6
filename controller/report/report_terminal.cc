// The matrix on a terminal: one row per case, one column per platform; each
// cell says whether the platform matched its expectation, whether the claim
// held there, and the key observation (for repeated cases, how often each
// outcome happened).
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "controller/judge/expectation_matcher.h"
#include "controller/report/report_writers.h"

namespace closeprobe::controller {
namespace {

struct Style {
  bool color;
  std::string Paint(const std::string& text, const char* code) const {
    return color ? absl::StrCat("\033[", code, "m", text, "\033[0m") : text;
  }
};

std::string VerdictMark(const MatrixRow& r, const Style& style) {
  switch (r.verdict) {
    case v1::VERDICT_MATCHED: return style.Paint("ok ", "32");
    case v1::VERDICT_DEVIATED: return style.Paint("DEV", "31");
    case v1::VERDICT_ERROR: return style.Paint("ERR", "35");
    case v1::VERDICT_NOT_SUPPORTED: return style.Paint(NotObservable(r) ? "n/o" : "n/s", "33");
    case v1::VERDICT_DOCUMENTED: return style.Paint("doc", "36");
    case v1::VERDICT_INCONCLUSIVE: return style.Paint("inc", "36");
    default: return "?  ";
  }
}

std::string ClaimMark(const MatrixRow& r, const Style& style) {
  switch (r.claim_status) {
    case v1::CLAIM_STATUS_HELD: return "held    ";
    case v1::CLAIM_STATUS_REFUTED: return style.Paint("REFUTED", "33") + " ";
    case v1::CLAIM_STATUS_INCONCLUSIVE: return style.Paint("untested", "36");
    default: return "n/a     ";
  }
}

std::string Clip(const std::string& s, size_t width) {
  return s.size() <= width ? s : s.substr(0, width - 3) + "...";
}

void PrintDeviations(const std::vector<MatrixRow>& rows, std::ostream& out) {
  bool header = false;
  for (const MatrixRow& row : rows) {
    if (row.verdict != v1::VERDICT_DEVIATED && row.verdict != v1::VERDICT_ERROR &&
        !(row.repeat != nullptr && row.repeat->flaky())) {
      continue;
    }
    if (!header) out << "\nDeviations, errors and flaky cases:\n";
    header = true;
    const std::string where = absl::StrCat(row.case_name, " (", row.platform, ")");
    if (row.repeat != nullptr && row.repeat->flaky()) {
      out << "  " << where << ": FLAKY, runs differ: " << row.key_observation << "\n";
    }
    for (const v1::CaseResult* r : row.runs) {
      const std::string run = row.runs.size() > 1 ? absl::StrCat(" run ", r->iteration() + 1) : "";
      if (r->verdict() == v1::VERDICT_ERROR) {
        out << "  " << where << run << ": ERROR " << r->error() << "\n";
        break;
      }
      if (r->verdict() != v1::VERDICT_DEVIATED || row.verdict != v1::VERDICT_DEVIATED) continue;
      for (const auto& e : r->expectations()) {
        if (!e.applies() || e.met()) continue;
        out << "  " << where << run << ": " << DescribeMiss(e) << "\n";
      }
      break;
    }
  }
}

// Rows whose premise did not happen, with the reason.
void PrintInconclusive(const MatrixRows& rows, std::ostream& out) {
  bool header = false;
  for (const MatrixRow& row : rows) {
    if (row.verdict != v1::VERDICT_INCONCLUSIVE) continue;
    if (!header) out << "\nInconclusive (a premise did not happen; the claim was not tested):\n";
    header = true;
    out << "  " << row.case_name << " (" << row.platform << "): " << row.inconclusive << "\n";
  }
}

}  // namespace

void PrintBaselineDifferences(const v1::Report& report, std::ostream& out) {
  if (report.baselines().empty()) return;
  const v1::RunSummary& s = report.summary();
  out << "\nBaseline (" << absl::StrJoin(report.baselines(), ", ") << "): ";
  if (report.baseline_differences().empty()) {
    out << "no differences\n";
    return;
  }
  out << s.baseline_regressions() << " regressions, " << s.baseline_changes() << " changes\n";
  for (const auto& d : report.baseline_differences()) {
    out << "  " << (d.kind() == v1::BaselineDifference::KIND_REGRESSION ? "REGRESSION " : "change     ")
        << d.case_name() << " (" << d.platform() << ") " << d.what() << ": baseline "
        << d.baseline() << ", now " << d.observed() << "\n";
  }
}

void PrintMatrix(const Matrix& matrix, std::ostream& out, bool color, int width) {
  const v1::Report& report = matrix.report();
  const MatrixRows& rows = matrix.rows();
  const Style style{color};
  const std::vector<std::string>& platforms = matrix.columns();
  size_t platform_width = 4;
  for (const std::string& p : platforms) platform_width = std::max(platform_width, p.size());
  size_t name_width = 4;
  for (const MatrixCase& c : matrix.cases()) name_width = std::max(name_width, c.name.size());
  const auto claim_text = [](const MatrixCase& c) { return c.claim.empty() ? "-" : c.claim; };
  // Questions (no claim) apart, after the rows that test a claim.
  auto question_heading = [&](const MatrixCase& c, bool* shown) {
    if (!c.claim.empty() || *shown) return;
    *shown = true;
    out << "\nQuestions (no claim):\n";
  };
  bool questions_shown = false;
  // A cell is "ok  held     " (13 characters) and the observation. Side by
  // side when every column keeps 40 characters of its observation within the
  // terminal's width; otherwise each row is its name, then a line per
  // platform, so the answer (the expectations' steps come first) stays whole.
  const int kMark = 13, kMinObservation = 40;
  const int side_by_side = static_cast<int>(width) - static_cast<int>(name_width) - 7;
  const int per_column = platforms.empty() ? 0 : side_by_side / static_cast<int>(platforms.size()) - 2 - kMark;
  // A cell's text, and how wide it shows (colour codes take no room).
  auto observation = [&](const MatrixRow& r, int room, size_t* visible) {
    const std::string clipped = Clip(r.key_observation, std::max(room, 10));
    *visible = kMark + clipped.size();
    return absl::StrCat(VerdictMark(r, style), " ", ClaimMark(r, style), " ", clipped);
  };
  size_t visible = 0;
  if (per_column >= kMinObservation) {
    std::string header = absl::StrFormat("%-*s  %-5s", name_width, "CASE", "CLAIM");
    for (const auto& p : platforms) absl::StrAppend(&header, absl::StrFormat("  %-*s", per_column + kMark, p));
    out << header.substr(0, header.find_last_not_of(' ') + 1) << "\n";
    for (const MatrixCase& c : matrix.cases()) {
      question_heading(c, &questions_shown);
      std::string row;
      for (const auto& p : platforms) {
        const MatrixRow* cell = matrix.Cell(c.name, p);
        const std::string text =
            cell == nullptr ? (visible = 1, "-") : observation(*cell, per_column, &visible);
        row += absl::StrCat("  ", text, std::string(per_column + kMark - visible, ' '));
      }
      row.erase(row.find_last_not_of(' ') + 1);  // no trailing padding
      out << absl::StrFormat("%-*s  %-5s", name_width, c.name, claim_text(c)) << row << "\n";
    }
  } else {
    const int room = static_cast<int>(width) - 4 - static_cast<int>(platform_width) - 2 - kMark;
    for (const MatrixCase& c : matrix.cases()) {
      question_heading(c, &questions_shown);
      out << c.name << "  (" << claim_text(c) << ")\n";
      for (const auto& p : platforms) {
        const MatrixRow* cell = matrix.Cell(c.name, p);
        out << absl::StrFormat("    %-*s  ", platform_width, p)
            << (cell == nullptr ? "-" : observation(*cell, room, &visible)) << "\n";
      }
    }
  }
  out << "\n(ok = the platform did what its expectation says; DEV = it did not; "
         "held/REFUTED = what the claim says;\n inc untested = a premise of the claim did not "
         "happen (a repeated row: in too few runs), so the row tested nothing;\n N/M = outcome of "
         "N of M runs of a repeated case; "
         "doc = no observation, what the platform's documentation says;\n n/s = the stack or "
         "agent cannot do a step; n/o = it can, but cannot see what is asked (a closed socket in "
         "runsc);\n claim - = a question case: "
         "observations and expectations, no claim)\n";

  bool header = false;
  for (const auto& c : report.claims()) {
    if (c.status() != v1::CLAIM_STATUS_REFUTED) continue;
    if (!header) out << "\nClaims refuted:\n";
    header = true;
    out << "  " << c.claim() << " on " << c.platform() << ": " << c.evidence() << "\n";
  }
  for (const auto& p : report.platforms()) {
    if (p.documented()) {
      out << "\n" << p.name() << ": not observed; its cells are the cases' documented expectations";
    } else if (!p.from_report().empty()) {
      out << "\n" << p.name() << ": " << p.subject().info().os() << " on "
          << p.subject().info().hostname() << ", observed " << p.observed_at() << " ("
          << p.topology() << ", " << p.from_report() << ")";
    }
    if (!p.emulation().empty()) out << "\n" << p.name() << ": runs under " << p.emulation();
  }
  out << "\n";
  PrintDeviations(rows, out);
  PrintInconclusive(rows, out);
  PrintBaselineDifferences(report, out);
  for (const auto& w : report.warnings()) out << "\nwarning: " << w << "\n";
  const v1::RunSummary& s = report.summary();
  out << absl::StrFormat(
      "\n%d rows (%d runs): %d matched, %d deviated, %d inconclusive, %d errors, %d not "
      "supported, %d flaky%s.\nWall time %.1f s; longest case %.1f s (%s); wall time / longest "
      "case %.2f.\n",
      s.cases(), s.runs(), s.matched(), s.deviated(), s.inconclusive(), s.errors(),
      s.not_supported(), s.flaky(),
      s.documented() > 0 ? absl::StrCat(", ", s.documented(), " documented only") : "",
      report.wall_seconds(), s.longest_case_seconds(), s.longest_case(),
      s.longest_case_seconds() > 0 ? report.wall_seconds() / s.longest_case_seconds() : 0.0);
}

}  // namespace closeprobe::controller
