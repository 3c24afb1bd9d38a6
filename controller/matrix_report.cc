#include "controller/matrix_report.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "controller/expectation_matcher.h"

namespace closeprobe::controller {
namespace {

// A row's evidence that the claim failed: the first claim-level expectation
// that did not hold.
std::string Evidence(const v1::CaseResult& r) {
  for (const auto& e : r.expectations()) {
    if (e.from_claim() && !e.met()) return absl::StrCat(r.case_name(), ": ", DescribeMiss(e));
  }
  return r.case_name();
}

// Each identified step's duration over the runs: median and spread.
void AddTimings(const std::vector<const v1::CaseResult*>& runs, v1::RepeatSummary* row) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<double>> ms;
  for (const v1::CaseResult* r : runs) {
    for (const v1::StepRecord& s : r->steps()) {
      if (s.id().empty() || s.skipped() || (!s.has_result() && !s.has_wait())) continue;
      auto [it, fresh] = ms.try_emplace(s.id());
      if (fresh) order.push_back(s.id());
      it->second.push_back((s.has_wait() ? s.wait().waited_ns() : s.result().duration_ns()) / 1e6);
    }
  }
  for (const std::string& id : order) {
    std::vector<double>& v = ms[id];
    std::sort(v.begin(), v.end());
    v1::TimingFigure* t = row->add_timings();
    t->set_step(id);
    t->set_runs(static_cast<int>(v.size()));
    t->set_median_ms(v.size() % 2 == 1 ? v[v.size() / 2]
                                       : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
    t->set_min_ms(v.front());
    t->set_max_ms(v.back());
    t->set_spread_ms(v.back() - v.front());
  }
}

// Folds the runs of a repeated case into one row.
v1::RepeatSummary Fold(const std::vector<const v1::CaseResult*>& runs) {
  v1::RepeatSummary row;
  row.set_case_name(runs.front()->case_name());
  row.set_platform(runs.front()->platform());
  row.set_runs(static_cast<int>(runs.size()));
  row.set_race(runs.front()->race());
  std::vector<std::pair<std::string, v1::OutcomeCount>> outcomes;
  bool any_error = false, any_deviated = false, any_held = false;
  for (const v1::CaseResult* r : runs) {
    const std::string key = r->verdict() == v1::ERROR ? "ERROR " + r->error()
                            : r->outcome().empty() ? r->key_observation()
                                                   : r->outcome();
    auto it = std::find_if(outcomes.begin(), outcomes.end(),
                           [&](const auto& o) { return o.first == key; });
    if (it == outcomes.end()) {
      v1::OutcomeCount o;
      o.set_outcome(key);
      o.set_verdict(r->verdict());
      o.set_claim_status(r->claim_status());
      outcomes.emplace_back(key, o);
      it = outcomes.end() - 1;
    }
    it->second.set_count(it->second.count() + 1);
    any_error |= r->verdict() == v1::ERROR;
    any_deviated |= r->verdict() == v1::DEVIATED;
    any_held |= r->claim_status() == v1::HELD;
  }
  std::stable_sort(outcomes.begin(), outcomes.end(),
                   [](const auto& a, const auto& b) { return a.second.count() > b.second.count(); });
  std::vector<std::string> keys;
  for (auto& [key, o] : outcomes) {
    keys.push_back(absl::StrCat(o.count(), "/", runs.size(), " ", key));
    *row.add_outcomes() = o;
  }
  row.set_key_observation(absl::StrJoin(keys, " | "));
  AddTimings(runs, &row);
  row.set_flaky(!row.race() && outcomes.size() > 1);
  // In a race, an outcome other than the predicted one is data, not a deviation.
  row.set_verdict(any_error ? v1::ERROR
                  : (any_deviated && !row.race()) ? v1::DEVIATED
                                                  : runs.front()->verdict() == v1::NOT_SUPPORTED
                                                        ? v1::NOT_SUPPORTED
                                                        : v1::MATCHED);
  if (row.race()) {
    row.set_claim_status(any_held ? v1::HELD : runs.front()->claim_status());
  } else {
    row.set_claim_status(runs.front()->claim_status());
    for (const v1::CaseResult* r : runs) {
      if (r->claim_status() == v1::REFUTED) row.set_claim_status(v1::REFUTED);
    }
  }
  return row;
}

}  // namespace

std::vector<MatrixRow> MatrixRows(const v1::Report& report) {
  std::vector<MatrixRow> rows;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (const v1::CaseResult& r : report.results()) {
    auto [it, added] = index.emplace(std::make_pair(r.case_name(), r.platform()), rows.size());
    if (added) rows.push_back(MatrixRow{});
    rows[it->second].runs.push_back(&r);
  }
  for (MatrixRow& row : rows) {
    const v1::CaseResult& first = *row.runs.front();
    row.case_name = first.case_name();
    row.claim = first.claim();
    row.platform = first.platform();
    if (row.runs.size() == 1) {
      row.verdict = first.verdict();
      row.claim_status = first.claim_status();
      row.key_observation = first.verdict() == v1::ERROR || first.verdict() == v1::NOT_SUPPORTED
                                ? first.error()
                                : first.key_observation();
    } else {
      for (const auto& r : report.repeats()) {
        if (r.case_name() == row.case_name && r.platform() == row.platform) row.repeat = &r;
      }
      if (row.repeat != nullptr) {
        row.verdict = row.repeat->verdict();
        row.claim_status = row.repeat->claim_status();
        row.key_observation = row.repeat->key_observation();
      }
    }
    // The run that shows the claim failing, if any.
    for (const v1::CaseResult* r : row.runs) {
      if (r->claim_status() == v1::REFUTED) {
        row.evidence = Evidence(*r);
        break;
      }
    }
  }
  return rows;
}

void Summarize(v1::Report* report) {
  report->clear_repeats();
  {
    std::map<std::pair<std::string, std::string>, std::vector<const v1::CaseResult*>> groups;
    std::vector<std::pair<std::string, std::string>> order;
    for (const v1::CaseResult& r : report->results()) {
      auto key = std::make_pair(r.case_name(), r.platform());
      if (groups[key].empty()) order.push_back(key);
      groups[key].push_back(&r);
    }
    for (const auto& key : order) {
      if (groups[key].size() > 1) *report->add_repeats() = Fold(groups[key]);
    }
  }
  v1::RunSummary* s = report->mutable_summary();
  s->Clear();
  // By claim number ("C3" before "C10"), then platform.
  std::map<std::pair<int, std::string>, v1::ClaimVerdict> claims;
  for (const v1::CaseResult& r : report->results()) {
    s->set_runs(s->runs() + 1);
    if (r.seconds() > s->longest_case_seconds()) {
      s->set_longest_case_seconds(r.seconds());
      s->set_longest_case(absl::StrCat(r.case_name(), " (", r.platform(), ")"));
    }
  }
  for (const MatrixRow& row : MatrixRows(*report)) {
    s->set_cases(s->cases() + 1);
    switch (row.verdict) {
      case v1::MATCHED: s->set_matched(s->matched() + 1); break;
      case v1::DEVIATED: s->set_deviated(s->deviated() + 1); break;
      case v1::ERROR: s->set_errors(s->errors() + 1); break;
      case v1::NOT_SUPPORTED: s->set_not_supported(s->not_supported() + 1); break;
      case v1::DOCUMENTED: s->set_documented(s->documented() + 1); break;
      default: break;
    }
    if (row.repeat != nullptr && row.repeat->flaky()) s->set_flaky(s->flaky() + 1);
    int number = 0;
    absl::SimpleAtoi(absl::string_view(row.claim).substr(1), &number);
    v1::ClaimVerdict& c = claims[{number, row.platform}];
    c.set_claim(row.claim);
    c.set_platform(row.platform);
    c.add_cases(row.case_name);
    if (row.claim_status == v1::REFUTED) {
      c.set_status(v1::REFUTED);
      if (c.evidence().empty()) c.set_evidence(row.evidence);
    } else if (row.claim_status == v1::HELD && c.status() != v1::REFUTED) {
      c.set_status(v1::HELD);
    } else if (c.status() == v1::CLAIM_STATUS_UNSPECIFIED) {
      c.set_status(v1::NOT_APPLICABLE);
    }
  }
  report->clear_claims();
  for (auto& [key, verdict] : claims) *report->add_claims() = std::move(verdict);
  for (const auto& d : report->baseline_differences()) {
    if (d.kind() == v1::BaselineDifference::REGRESSION) {
      s->set_baseline_regressions(s->baseline_regressions() + 1);
    } else {
      s->set_baseline_changes(s->baseline_changes() + 1);
    }
  }
}

int ExitStatusFor(const v1::Report& report) {
  if (report.summary().errors() > 0) return 3;
  if (report.summary().deviated() > 0) return 1;
  return 0;
}

}  // namespace closeprobe::controller
