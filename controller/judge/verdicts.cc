#include "controller/judge/verdicts.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/judge/claim_order.h"
#include "controller/judge/expectation_matcher.h"

namespace closeprobe::controller {
namespace {

constexpr char kCannotCapture[] =
    "the case checks the wire and this platform's agent cannot capture";

// Whether the step `id` made its call or read (not skipped, not cut off by
// the case stopping before it).
bool Ran(const v1::CaseResult& r, const std::string& id) {
  return std::any_of(r.steps().begin(), r.steps().end(),
                     [&](const v1::StepRecord& s) { return s.id() == id && !s.skipped(); });
}

bool Conclusive(const v1::CaseResult& r) {
  return r.verdict() == v1::VERDICT_MATCHED || r.verdict() == v1::VERDICT_DEVIATED;
}

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
      it->second.push_back(DurationMs(s));
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

// How often each outcome happened, most frequent first.
void CountOutcomes(const std::vector<const v1::CaseResult*>& runs, v1::RepeatSummary* row) {
  std::vector<v1::OutcomeCount> outcomes;
  for (const v1::CaseResult* r : runs) {
    const std::string key =
        r->verdict() == v1::VERDICT_ERROR          ? "ERROR " + r->error()
        : r->verdict() == v1::VERDICT_INCONCLUSIVE ? "INCONCLUSIVE " + r->outcome()
        : r->outcome().empty()                     ? r->key_observation()
                                                   : r->outcome();
    auto it = std::find_if(outcomes.begin(), outcomes.end(),
                           [&](const v1::OutcomeCount& o) { return o.outcome() == key; });
    if (it == outcomes.end()) {
      outcomes.emplace_back();
      it = outcomes.end() - 1;
      it->set_outcome(key);
      it->set_verdict(r->verdict());
      it->set_claim_status(r->claim_status());
    }
    it->set_count(it->count() + 1);
  }
  // What happened where the premise held first, then the most frequent.
  std::stable_sort(outcomes.begin(), outcomes.end(), [](const auto& a, const auto& b) {
    const bool a_out = a.verdict() == v1::VERDICT_INCONCLUSIVE;
    const bool b_out = b.verdict() == v1::VERDICT_INCONCLUSIVE;
    return a_out != b_out ? b_out : a.count() > b.count();
  });
  std::vector<std::string> keys;
  for (v1::OutcomeCount& o : outcomes) {
    keys.push_back(absl::StrCat(o.count(), "/", runs.size(), " ", o.outcome()));
    *row->add_outcomes() = std::move(o);
  }
  // Runs whose premise did not hold say nothing of the claim: how many did
  // comes first ("premise held in 7/10 runs: ...").
  int inconclusive = 0;
  for (const v1::CaseResult* r : runs) inconclusive += r->verdict() == v1::VERDICT_INCONCLUSIVE;
  const std::string premise =
      inconclusive == 0 ? ""
                        : absl::StrCat("premise held in ", runs.size() - inconclusive, "/",
                                       runs.size(), " runs: ");
  row->set_key_observation(absl::StrCat(premise, absl::StrJoin(keys, " | ")));
  row->set_flaky(!row->race() && row->outcomes_size() > 1);
}

// Conclusive runs a repeated row needs before it says anything of its
// claim: the case's min_conclusive_runs, else half the runs (rounded up),
// at most kDefaultMinConclusiveRuns.
constexpr int kDefaultMinConclusiveRuns = 5;
int RequiredConclusiveRuns(const std::vector<const v1::CaseResult*>& runs) {
  const int asked = runs.front()->min_conclusive_runs();
  if (asked > 0) return asked;
  return std::min(kDefaultMinConclusiveRuns, static_cast<int>(runs.size() + 1) / 2);
}

// The verdict of a row of several runs, on their frequencies.
v1::Verdict RowVerdict(const std::vector<const v1::CaseResult*>& runs, v1::RepeatSummary* row) {
  int errors = 0, not_supported = 0, conclusive = 0, matching = 0;
  for (const v1::CaseResult* r : runs) {
    errors += r->verdict() == v1::VERDICT_ERROR;
    not_supported += r->verdict() == v1::VERDICT_NOT_SUPPORTED;
    conclusive += Conclusive(*r);
    matching += r->verdict() == v1::VERDICT_MATCHED;
  }
  const int asked = runs.front()->min_matching_runs();
  const int required = asked > 0 ? asked : row->race() ? 1 : conclusive;
  const int required_conclusive = RequiredConclusiveRuns(runs);
  row->set_matching_runs(matching);
  row->set_conclusive_runs(conclusive);
  row->set_required_runs(required);
  row->set_required_conclusive_runs(required_conclusive);
  if (errors > 0) return v1::VERDICT_ERROR;
  if (not_supported > 0) return v1::VERDICT_NOT_SUPPORTED;
  if (conclusive < required_conclusive) {
    std::string why = absl::StrCat("premise held in ", conclusive, " of ", runs.size(),
                                   " runs; at least ", required_conclusive, " needed");
    // Why the others were not conclusive: the first missed premise.
    for (const v1::CaseResult* r : runs) {
      if (r->verdict() != v1::VERDICT_INCONCLUSIVE) continue;
      absl::StrAppend(&why, " (", r->inconclusive(), ")");
      break;
    }
    row->set_inconclusive(why);
    return v1::VERDICT_INCONCLUSIVE;
  }
  if (matching >= required) return v1::VERDICT_MATCHED;
  // Every conclusive run had to match and one did not: no inconclusive run
  // could change that.
  if (asked == 0 && !row->race()) return v1::VERDICT_DEVIATED;
  // Enough of the inconclusive runs might have matched had their premise
  // happened: no verdict either way.
  const int inconclusive = static_cast<int>(runs.size()) - conclusive;
  if (matching + inconclusive >= required) {
    row->set_inconclusive(absl::StrCat(matching, " of ", conclusive, " conclusive runs matched, ",
                                       required, " needed; ", inconclusive,
                                       " runs inconclusive"));
    return v1::VERDICT_INCONCLUSIVE;
  }
  return v1::VERDICT_DEVIATED;
}

// The claim status of a row of several runs, from its conclusive runs: a
// race holds the claim if the predicted outcome happened at all; otherwise
// any refutation refutes it. A row without a verdict has none on its claim
// either, so a label never reads "inconclusive" and "refuted" at once.
v1::ClaimStatus RowClaimStatus(const std::vector<const v1::CaseResult*>& runs,
                               const v1::RepeatSummary& row) {
  if (row.verdict() == v1::VERDICT_INCONCLUSIVE) return v1::CLAIM_STATUS_INCONCLUSIVE;
  bool held = false, refuted = false;
  for (const v1::CaseResult* r : runs) {
    if (!Conclusive(*r)) continue;
    held |= r->claim_status() == v1::CLAIM_STATUS_HELD;
    refuted |= r->claim_status() == v1::CLAIM_STATUS_REFUTED;
  }
  if (row.race() && held) return v1::CLAIM_STATUS_HELD;
  if (refuted) return v1::CLAIM_STATUS_REFUTED;
  if (held) return v1::CLAIM_STATUS_HELD;
  const bool untested = std::any_of(runs.begin(), runs.end(), [](const v1::CaseResult* r) {
    return r->claim_status() == v1::CLAIM_STATUS_INCONCLUSIVE;
  });
  return untested ? v1::CLAIM_STATUS_INCONCLUSIVE : v1::CLAIM_STATUS_NOT_APPLICABLE;
}

// Folds the runs of a repeated case into one row.
v1::RepeatSummary Fold(const std::vector<const v1::CaseResult*>& runs) {
  v1::RepeatSummary row;
  row.set_case_name(runs.front()->case_name());
  row.set_platform(runs.front()->platform());
  row.set_runs(static_cast<int>(runs.size()));
  row.set_race(runs.front()->race());
  CountOutcomes(runs, &row);
  AddTimings(runs, &row);
  row.set_verdict(RowVerdict(runs, &row));
  row.set_claim_status(RowClaimStatus(runs, row));
  return row;
}

// Groups the results into rows (case, platform), in the results' order.
std::vector<MatrixRow> GroupRows(const v1::Report& report) {
  std::vector<MatrixRow> rows;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (const v1::CaseResult& r : report.results()) {
    auto [it, added] = index.emplace(std::make_pair(r.case_name(), r.platform()), rows.size());
    if (added) {
      rows.emplace_back();
      rows.back().case_name = r.case_name();
      rows.back().claim = r.claim();
      rows.back().platform = r.platform();
    }
    rows[it->second].runs.push_back(&r);
  }
  return rows;
}

void JudgeRow(MatrixRow* row) {
  const v1::CaseResult& first = *row->runs.front();
  if (row->repeat != nullptr) {
    row->verdict = row->repeat->verdict();
    row->claim_status = row->repeat->claim_status();
    row->key_observation = row->repeat->key_observation();
    row->inconclusive = row->repeat->inconclusive();
    // A claim no run tested, under a verdict: the first run's reason.
    if (row->claim_status == v1::CLAIM_STATUS_INCONCLUSIVE && row->inconclusive.empty()) {
      for (const v1::CaseResult* r : row->runs) {
        if (r->claim_status() != v1::CLAIM_STATUS_INCONCLUSIVE) continue;
        row->inconclusive = r->inconclusive();
        break;
      }
    }
  } else {
    row->verdict = first.verdict();
    row->claim_status = first.claim_status();
    const bool stopped =
        first.verdict() == v1::VERDICT_ERROR || first.verdict() == v1::VERDICT_NOT_SUPPORTED;
    row->key_observation = stopped ? first.error() : first.key_observation();
    row->inconclusive = first.inconclusive();
  }
  if (row->claim_status != v1::CLAIM_STATUS_REFUTED) return;
  for (const v1::CaseResult* r : row->runs) {
    if (r->claim_status() == v1::CLAIM_STATUS_REFUTED) {
      row->evidence = Evidence(*r);
      return;
    }
  }
}

void Count(const MatrixRow& row, v1::RunSummary* s) {
  s->set_cases(s->cases() + 1);
  switch (row.verdict) {
    case v1::VERDICT_MATCHED: s->set_matched(s->matched() + 1); break;
    case v1::VERDICT_DEVIATED: s->set_deviated(s->deviated() + 1); break;
    case v1::VERDICT_ERROR: s->set_errors(s->errors() + 1); break;
    case v1::VERDICT_NOT_SUPPORTED: s->set_not_supported(s->not_supported() + 1); break;
    case v1::VERDICT_DOCUMENTED: s->set_documented(s->documented() + 1); break;
    case v1::VERDICT_INCONCLUSIVE: s->set_inconclusive(s->inconclusive() + 1); break;
    default: break;
  }
  if (row.repeat != nullptr && row.repeat->flaky()) s->set_flaky(s->flaky() + 1);
}

// A claim on a platform, from its rows (see the header).
void AddToClaim(const MatrixRow& row, v1::ClaimVerdict* c) {
  c->set_claim(row.claim);
  c->set_platform(row.platform);
  c->add_cases(row.case_name);
  switch (row.claim_status) {
    case v1::CLAIM_STATUS_REFUTED:
      if (c->status() != v1::CLAIM_STATUS_REFUTED) c->set_evidence(row.evidence);
      c->set_status(v1::CLAIM_STATUS_REFUTED);
      break;
    case v1::CLAIM_STATUS_HELD:
      if (c->status() != v1::CLAIM_STATUS_REFUTED) c->set_status(v1::CLAIM_STATUS_HELD);
      break;
    case v1::CLAIM_STATUS_INCONCLUSIVE:
      c->add_inconclusive(absl::StrCat(row.case_name, ": ", row.inconclusive));
      if (c->status() == v1::CLAIM_STATUS_UNSPECIFIED ||
          c->status() == v1::CLAIM_STATUS_NOT_APPLICABLE) {
        c->set_status(v1::CLAIM_STATUS_INCONCLUSIVE);
      }
      break;
    default:
      if (c->status() == v1::CLAIM_STATUS_UNSPECIFIED) c->set_status(v1::CLAIM_STATUS_NOT_APPLICABLE);
  }
}

}  // namespace

void JudgeRun(v1::CaseResult* r) {
  r->clear_inconclusive();
  r->set_claim_status(v1::CLAIM_STATUS_NOT_APPLICABLE);
  if (r->documented()) {
    r->set_verdict(v1::VERDICT_DOCUMENTED);
    return;
  }
  if (r->stop() != v1::STOP_NONE) {
    r->set_verdict(r->stop() == v1::STOP_NOT_SUPPORTED || r->stop() == v1::STOP_NOT_OBSERVABLE
                       ? v1::VERDICT_NOT_SUPPORTED
                       : v1::VERDICT_ERROR);
    return;
  }
  for (const v1::ExpectationResult& e : r->expectations()) {
    if (e.applies() && e.not_observable()) {
      r->set_verdict(v1::VERDICT_NOT_SUPPORTED);
      r->set_error(r->captured() ? absl::StrCat("the case checks the wire and ", e.observed())
                                 : kCannotCapture);
      return;
    }
  }
  for (const v1::ExpectationResult& e : r->expectations()) {
    if (e.expectation().premise() && !e.met()) {
      r->set_verdict(v1::VERDICT_INCONCLUSIVE);
      r->set_claim_status(v1::CLAIM_STATUS_INCONCLUSIVE);
      r->set_inconclusive(absl::StrCat("premise not met: ", DescribeMiss(e)));
      return;
    }
  }
  bool all_met = true, claim_checked = false, claim_held = true;
  const v1::ExpectationResult* not_run = nullptr;  // a claim's step that never ran
  for (const v1::ExpectationResult& e : r->expectations()) {
    if (e.expectation().premise()) continue;
    if (e.applies() && !e.met()) all_met = false;
    if (!e.from_claim()) continue;
    if (!e.met() && !e.expectation().has_wire() && !Ran(*r, e.expectation().step())) {
      not_run = not_run != nullptr ? not_run : &e;
      continue;
    }
    claim_checked = true;
    claim_held = claim_held && e.met();
  }
  r->set_verdict(all_met ? v1::VERDICT_MATCHED : v1::VERDICT_DEVIATED);
  // A claim is refuted only by a step of it that ran and missed; one that
  // never ran leaves it untested.
  if (claim_checked && !claim_held) {
    r->set_claim_status(v1::CLAIM_STATUS_REFUTED);
  } else if (not_run != nullptr) {
    r->set_claim_status(v1::CLAIM_STATUS_INCONCLUSIVE);
    r->set_inconclusive(absl::StrCat("the claim's step did not run: ", DescribeMiss(*not_run)));
  } else if (claim_checked) {
    r->set_claim_status(v1::CLAIM_STATUS_HELD);
  }
}

std::vector<MatrixRow> JudgeReport(v1::Report* report) {
  for (v1::CaseResult& r : *report->mutable_results()) JudgeRun(&r);
  std::vector<MatrixRow> rows = GroupRows(*report);
  report->clear_repeats();
  for (const MatrixRow& row : rows) {
    if (row.runs.size() > 1) *report->add_repeats() = Fold(row.runs);
  }
  // The repeats are in place now: point the rows at them.
  int next_repeat = 0;
  for (MatrixRow& row : rows) {
    if (row.runs.size() > 1) row.repeat = &report->repeats(next_repeat++);
    JudgeRow(&row);
  }
  v1::RunSummary* s = report->mutable_summary();
  s->Clear();
  s->set_runs(report->results_size());
  // The longest case is a whole row: a repeated row's runs one after another.
  for (const MatrixRow& row : rows) {
    double seconds = 0;
    for (const v1::CaseResult* r : row.runs) seconds += r->seconds();
    if (seconds > s->longest_case_seconds()) {
      s->set_longest_case_seconds(seconds);
      s->set_longest_case(
          absl::StrCat(row.case_name, " (", row.platform,
                       row.runs.size() > 1 ? absl::StrCat(", ", row.runs.size(), " runs") : "",
                       ")"));
    }
  }
  // Each claim on each platform is its own entry, in ClaimBefore's order.
  std::map<std::string, std::map<std::string, v1::ClaimVerdict>, ClaimLess> claims;
  for (const MatrixRow& row : rows) {
    Count(row, s);
    if (row.claim.empty()) continue;  // a question: no claim to hold or refute
    AddToClaim(row, &claims[row.claim][row.platform]);
  }
  report->clear_claims();
  for (auto& [claim, by_platform] : claims) {
    for (auto& [platform, verdict] : by_platform) *report->add_claims() = std::move(verdict);
  }
  CountBaselineDifferences(report);
  return rows;
}

void CountBaselineDifferences(v1::Report* report) {
  v1::RunSummary* s = report->mutable_summary();
  s->set_baseline_regressions(0);
  s->set_baseline_changes(0);
  for (const auto& d : report->baseline_differences()) {
    if (d.kind() == v1::BaselineDifference::KIND_REGRESSION) {
      s->set_baseline_regressions(s->baseline_regressions() + 1);
    } else {
      s->set_baseline_changes(s->baseline_changes() + 1);
    }
  }
}

int ExitStatusFor(const v1::Report& report) {
  bool case_error = false;
  for (const v1::CaseResult& r : report.results()) {
    if (r.stop() == v1::STOP_AGENT_FAULT) return 3;
    case_error |= r.stop() == v1::STOP_CASE_ERROR;
  }
  if (case_error) return 2;
  if (report.summary().deviated() > 0) return 1;
  return 0;
}

bool NotObservable(const MatrixRow& row) {
  if (row.verdict != v1::VERDICT_NOT_SUPPORTED || row.runs.empty()) return false;
  const v1::CaseResult& first = *row.runs.front();
  if (first.stop() == v1::STOP_NOT_OBSERVABLE) return true;
  // The steps ran; only the wire the case checks was not seen.
  return first.stop() == v1::STOP_NONE &&
         std::any_of(first.expectations().begin(), first.expectations().end(),
                     [](const v1::ExpectationResult& e) { return e.applies() && e.not_observable(); });
}

bool JudgedOnClaimOnly(const MatrixRow& row) {
  if (row.verdict != v1::VERDICT_DEVIATED) return false;
  bool missed = false;
  for (const v1::CaseResult* r : row.runs) {
    if (r->verdict() != v1::VERDICT_DEVIATED) continue;
    for (const v1::ExpectationResult& e : r->expectations()) {
      if (!e.applies() || e.met() || e.expectation().premise()) continue;
      if (!e.from_claim()) return false;
      missed = true;
    }
  }
  return missed;
}

namespace {

// A verdict's two spellings, side by side: one table for every writer.
struct Spelling {
  const char* words;
  const char* mark;
};

Spelling SpellingOf(const MatrixRow& row) {
  switch (row.verdict) {
    case v1::VERDICT_MATCHED: return {"ok", "ok "};
    case v1::VERDICT_DEVIATED:
      return JudgedOnClaimOnly(row) ? Spelling{"judged on the claim", "clm"}
                                    : Spelling{"DEVIATED", "DEV"};
    case v1::VERDICT_NOT_SUPPORTED:
      return NotObservable(row) ? Spelling{"not observable", "n/o"}
                                : Spelling{"not supported", "n/s"};
    case v1::VERDICT_ERROR: return {"ERROR", "ERR"};
    case v1::VERDICT_DOCUMENTED: return {"documented, not observed", "doc"};
    case v1::VERDICT_INCONCLUSIVE: return {"INCONCLUSIVE", "inc"};
    default: return {"?", "?  "};
  }
}

}  // namespace

const char* VerdictWords(const MatrixRow& row) { return SpellingOf(row).words; }

const char* VerdictMark(const MatrixRow& row) { return SpellingOf(row).mark; }

}  // namespace closeprobe::controller
