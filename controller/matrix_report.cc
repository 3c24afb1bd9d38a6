#include "controller/matrix_report.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"

namespace closeprobe::controller {

void Summarize(v1::Report* report) {
  v1::RunSummary* s = report->mutable_summary();
  s->Clear();
  // (claim, platform) -> verdict, in first-seen order.
  std::map<std::pair<std::string, std::string>, v1::ClaimVerdict> claims;
  for (const v1::CaseResult& r : report->results()) {
    s->set_cases(s->cases() + 1);
    switch (r.verdict()) {
      case v1::MATCHED: s->set_matched(s->matched() + 1); break;
      case v1::DEVIATED: s->set_deviated(s->deviated() + 1); break;
      case v1::ERROR: s->set_errors(s->errors() + 1); break;
      case v1::NOT_SUPPORTED: s->set_not_supported(s->not_supported() + 1); break;
      default: break;
    }
    if (r.seconds() > s->longest_case_seconds()) {
      s->set_longest_case_seconds(r.seconds());
      s->set_longest_case(absl::StrCat(r.case_name(), " (", r.platform(), ")"));
    }
    v1::ClaimVerdict& c = claims[{r.claim(), r.platform()}];
    c.set_claim(r.claim());
    c.set_platform(r.platform());
    c.add_cases(r.case_name());
    if (r.claim_status() == v1::REFUTED) {
      c.set_status(v1::REFUTED);
      for (const auto& e : r.expectations()) {
        if (e.from_claim() && !e.met()) {
          c.set_evidence(absl::StrCat(r.case_name(), ": step ", e.expectation().step(),
                                      " expected ", e.expected(), ", observed ", e.observed()));
          break;
        }
      }
    } else if (r.claim_status() == v1::HELD && c.status() != v1::REFUTED) {
      c.set_status(v1::HELD);
    } else if (c.status() == v1::CLAIM_STATUS_UNSPECIFIED) {
      c.set_status(v1::NOT_APPLICABLE);
    }
  }
  report->clear_claims();
  for (auto& [key, verdict] : claims) *report->add_claims() = std::move(verdict);
}

int ExitStatusFor(const v1::Report& report) {
  if (report.summary().errors() > 0) return 3;
  if (report.summary().deviated() > 0) return 1;
  return 0;
}

}  // namespace closeprobe::controller
