// DIR/junit.xml: one testsuite per platform, one testcase per case (a
// repeated case counts once); a deviation is a failure whose message holds
// the expected and observed values; ERROR an error; NOT_SUPPORTED,
// INCONCLUSIVE (with the premise that did not happen) and DOCUMENTED skipped.
// Each testsuite's properties give every claim's status on its platform.
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "controller/judge/expectation_matcher.h"
#include "controller/report/report_writers.h"

namespace closeprobe::controller {
namespace {

std::string Xml(const std::string& s) {
  return absl::StrReplaceAll(
      s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&apos;"}});
}

// What deviated, as "step X: expected A, observed B; ...".
std::string Deviations(const MatrixRow& row) {
  std::vector<std::string> parts;
  for (const v1::CaseResult* r : row.runs) {
    for (const auto& e : r->expectations()) {
      if (!e.applies() || e.met()) continue;
      parts.push_back(DescribeMiss(e));
    }
    if (!parts.empty()) break;
  }
  return absl::StrJoin(parts, "; ");
}

const char* ClaimWord(v1::ClaimStatus s) {
  switch (s) {
    case v1::CLAIM_STATUS_HELD: return "held";
    case v1::CLAIM_STATUS_REFUTED: return "refuted";
    case v1::CLAIM_STATUS_INCONCLUSIVE: return "not tested";
    default: return "n/a";
  }
}

}  // namespace

absl::Status WriteJunitReport(const Matrix& matrix, const std::string& dir) {
  const v1::Report& report = matrix.report();
  // A suite per column, its cases in the matrix's order.
  std::vector<std::pair<std::string, std::vector<const MatrixRow*>>> by_platform;
  for (const std::string& column : matrix.columns()) {
    by_platform.emplace_back(column, std::vector<const MatrixRow*>());
    for (const MatrixCase& c : matrix.cases()) {
      if (const MatrixRow* r = matrix.Cell(c.name, column)) by_platform.back().second.push_back(r);
    }
    if (by_platform.back().second.empty()) by_platform.pop_back();
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << absl::StrFormat("<testsuites name=\"closeprobe\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
                         "time=\"%.3f\">\n",
                         report.summary().cases(), report.summary().deviated(),
                         report.summary().errors(), report.wall_seconds());
  for (const auto& [platform, list] : by_platform) {
    int failures = 0, errors = 0, skipped = 0;
    double time = 0;
    for (const MatrixRow* r : list) {
      failures += r->verdict == v1::VERDICT_DEVIATED;
      errors += r->verdict == v1::VERDICT_ERROR;
      skipped += r->verdict == v1::VERDICT_NOT_SUPPORTED ||
                 r->verdict == v1::VERDICT_DOCUMENTED || r->verdict == v1::VERDICT_INCONCLUSIVE;
      for (const auto* run : r->runs) time += run->seconds();
    }
    out << absl::StrFormat(
        "  <testsuite name=\"closeprobe.%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
        "skipped=\"%d\" time=\"%.3f\" timestamp=\"%s\">\n",
        Xml(platform), list.size(), failures, errors, skipped, time, Xml(report.started_at()));
    // Each claim on this platform, as the claims table has it (a property:
    // a refuted claim is a finding, not a failing test).
    std::string claims;
    for (const v1::ClaimVerdict& c : report.claims()) {
      if (c.platform() != platform) continue;
      absl::StrAppend(&claims, absl::StrFormat("      <property name=\"claim %s\" value=\"%s\"/>\n",
                                               Xml(c.claim()), ClaimWord(c.status())));
    }
    if (!claims.empty()) out << "    <properties>\n" << claims << "    </properties>\n";
    for (const MatrixRow* r : list) {
      double seconds = 0;
      for (const auto* run : r->runs) seconds += run->seconds();
      out << absl::StrFormat("    <testcase classname=\"closeprobe.%s.%s\" name=\"%s\" time=\"%.3f\"",
                             Xml(platform), Xml(r->claim), Xml(r->case_name), seconds);
      if (r->verdict == v1::VERDICT_MATCHED) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      if (r->verdict == v1::VERDICT_DEVIATED) {
        const std::string why = Deviations(*r);
        out << absl::StrFormat("      <failure message=\"%s\" type=\"deviation\">%s</failure>\n",
                               Xml(why), Xml(r->key_observation));
      } else if (r->verdict == v1::VERDICT_ERROR) {
        // An agent refusing the case's own request is the case's error.
        const bool case_error = std::any_of(r->runs.begin(), r->runs.end(), [](const auto* run) {
          return run->stop() == v1::STOP_CASE_ERROR;
        });
        out << absl::StrFormat("      <error message=\"%s\" type=\"%s\"/>\n",
                               Xml(r->key_observation),
                               case_error ? "case error" : "infrastructure");
      } else if (r->verdict == v1::VERDICT_INCONCLUSIVE) {
        out << absl::StrFormat("      <skipped message=\"inconclusive: %s\"/>\n",
                               Xml(r->inconclusive));
      } else {
        out << absl::StrFormat("      <skipped message=\"%s\"/>\n", Xml(r->key_observation));
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  std::ofstream file(absl::StrCat(dir, "/junit.xml"));
  file << out.str();
  if (!file) return absl::UnavailableError(absl::StrCat("cannot write ", dir, "/junit.xml"));
  return absl::OkStatus();
}

}  // namespace closeprobe::controller
