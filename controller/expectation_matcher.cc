#include "controller/expectation_matcher.h"

#include <map>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "controller/case_validator.h"
#include "controller/names.h"
#include "controller/wire_segments.h"

namespace closeprobe::controller {
namespace {

bool HasCall(const v1::StepRecord& s) { return s.has_result(); }

double DurationMs(const v1::StepRecord& s) {
  if (s.has_wait()) return s.wait().waited_ns() / 1e6;
  return s.result().duration_ns() / 1e6;
}

// The state a state-kind step observed; UNSPECIFIED for other kinds.
v1::TcpState ObservedState(const v1::StepRecord& s) {
  if (s.has_wait()) return s.wait().state();
  if (s.has_state()) return s.state().state();
  return v1::TCP_STATE_UNSPECIFIED;
}

std::string ErrorWithNative(const v1::CallResult& r) {
  if (r.error() == v1::ERROR_NAME_OK || r.native_name().empty()) return ErrorText(r.error());
  if (r.native_code() == 0) return absl::StrCat(ErrorText(r.error()), " (", r.native_name(), ")");
  return absl::StrCat(ErrorText(r.error()), " (", r.native_name(), " ", r.native_code(), ")");
}

// What an expectation is about: its step id, or for wire checks "wire:" with
// the sender and flags (a platform's wire check overrides the claim's one on
// the same sender and flags).
std::string Subject(const v1::Expectation& e) {
  return e.has_wire() ? absl::StrCat("wire:", e.wire().from(), ":", e.wire().flags()) : e.step();
}

bool Holds(const v1::Expectation& e, const v1::StepRecord& s) {
  if (s.skipped()) return false;
  if (!e.error().empty()) {
    v1::ErrorName want;
    if (!HasCall(s) || !ParseErrorText(e.error(), &want) || s.result().error() != want) {
      return false;
    }
  }
  if (e.has_result() && (!HasCall(s) || s.result().return_value() != e.result())) return false;
  if (!e.state().empty()) {
    v1::TcpState want;
    if (!ParseStateText(e.state(), &want) || ObservedState(s) != want) return false;
  }
  if (e.has_reached() && (!s.has_wait() || s.wait().reached() != e.reached())) return false;
  if (!e.seen().empty()) {
    v1::TcpState want;
    if (!ParseStateText(e.seen(), &want) || !s.has_wait()) return false;
    bool seen = false;
    for (const auto& t : s.wait().transitions()) seen = seen || t.state() == want;
    if (!seen) return false;
  }
  if (e.has_value() && (!s.has_option() || s.option().value() != e.value())) return false;
  const auto& d = e.duration_ms();
  if (d.has_min() && DurationMs(s) < d.min()) return false;
  if (d.has_max() && DurationMs(s) > d.max()) return false;
  return true;
}

}  // namespace

std::string DescribeExpectation(const v1::Expectation& e) {
  if (e.has_wire()) return absl::StrCat("wire: ", DescribeWireCheck(e.wire()));
  std::vector<std::string> parts;
  if (!e.error().empty()) parts.push_back(absl::StrCat("error=", e.error()));
  if (e.has_result()) parts.push_back(absl::StrCat("result=", e.result()));
  if (!e.state().empty()) parts.push_back(absl::StrCat("state=", e.state()));
  if (!e.seen().empty()) parts.push_back(absl::StrCat("seen ", e.seen()));
  if (e.has_value()) parts.push_back(absl::StrCat("value=", e.value()));
  if (e.has_reached()) parts.push_back(absl::StrCat("reached=", e.reached() ? "true" : "false"));
  const auto& d = e.duration_ms();
  if (d.has_min() || d.has_max()) {
    parts.push_back(absl::StrFormat("duration_ms in [%s, %s]",
                                    d.has_min() ? absl::StrCat(d.min()) : "",
                                    d.has_max() ? absl::StrCat(d.max()) : ""));
  }
  return absl::StrJoin(parts, " ");
}

std::string DescribeMiss(const v1::ExpectationResult& e) {
  const std::string subject =
      e.expectation().has_wire() ? "" : absl::StrCat("step ", e.expectation().step(), " ");
  return absl::StrCat(subject, "expected ", e.expected(), ", observed ", e.observed());
}

std::string DescribeObservation(const v1::StepRecord& s) {
  if (s.skipped()) return absl::StrCat("skipped: ", s.skip_reason());
  std::vector<std::string> parts;
  if (s.has_wait()) {
    std::vector<std::string> seen;
    for (const auto& t : s.wait().transitions()) seen.push_back(StateText(t.state()));
    parts.push_back(absl::StrCat("state=", StateText(s.wait().state())));
    parts.push_back(absl::StrCat("reached=", s.wait().reached() ? "true" : "false"));
    parts.push_back(absl::StrCat("seen=", absl::StrJoin(seen, ">")));
  } else if (s.has_state()) {
    parts.push_back(absl::StrCat("state=", StateText(s.state().state())));
  }
  if (s.has_option()) parts.push_back(absl::StrCat("value=", s.option().value()));
  if (s.has_result()) {
    parts.push_back(absl::StrCat("error=", ErrorWithNative(s.result())));
    parts.push_back(absl::StrCat("result=", s.result().return_value()));
  }
  if (s.has_result() || s.has_wait()) {
    parts.push_back(absl::StrFormat("duration_ms=%.3f", DurationMs(s)));
  }
  return absl::StrJoin(parts, " ");
}

namespace {

// Whether an expectation is for this platform (and version).
bool ForThisPlatform(const v1::Expectation& e, const std::string& platform,
                     const std::string& version) {
  if (e.platform().empty()) return true;
  if (e.platform() != platform) return false;
  if (e.platform_version().empty()) return true;
  absl::StatusOr<VersionRequirement> r = ParseVersionRequirement(e.platform_version());
  return r.ok() && VersionSatisfies(version, *r);
}

}  // namespace

void MatchExpectations(const v1::Case& spec, const std::string& platform,
                       const std::string& version, v1::CaseResult* result) {
  std::map<std::string, const v1::StepRecord*> by_id;
  for (const auto& s : result->steps()) {
    if (!s.id().empty()) by_id[s.id()] = &s;
  }
  std::set<std::string> overridden;  // subjects with an expectation of this platform's own
  for (const auto& e : spec.expect()) {
    if (!e.platform().empty() && ForThisPlatform(e, platform, version)) {
      overridden.insert(Subject(e));
    }
  }
  bool wire_unavailable = false;
  bool all_applicable_met = true;
  bool claim_checked = false;
  bool claim_held = true;
  std::vector<std::string> key;
  std::set<std::string> described;
  for (const auto& e : spec.expect()) {
    const bool from_claim = e.platform().empty();
    if (!ForThisPlatform(e, platform, version)) continue;
    auto it = by_id.find(e.step());
    v1::ExpectationResult* r = result->add_expectations();
    *r->mutable_expectation() = e;
    r->set_from_claim(from_claim);
    r->set_applies(!from_claim || overridden.count(Subject(e)) == 0);
    r->set_expected(DescribeExpectation(e));
    if (e.has_wire()) {
      std::string observed = "no capture on this platform";
      r->set_met(result->captured() && WireHolds(e.wire(), result->segments(), &observed));
      r->set_observed(observed);
      if (!result->captured() && r->applies()) wire_unavailable = true;
    } else if (it == by_id.end()) {
      r->set_met(false);
      r->set_observed("step not performed (the case stopped before it)");
    } else {
      r->set_met(Holds(e, *it->second));
      r->set_observed(DescribeObservation(*it->second));
    }
    if (r->applies() && !r->met()) all_applicable_met = false;
    if (from_claim) {
      claim_checked = true;
      if (!r->met()) claim_held = false;
    }
    if (it != by_id.end() && described.insert(e.step()).second) {
      const v1::StepRecord& s = *it->second;
      const v1::TcpState st = ObservedState(s);
      const std::string value = s.skipped()                       ? "skipped"
                                : st != v1::TCP_STATE_UNSPECIFIED ? StateText(st)
                                : HasCall(s) ? ErrorText(s.result().error())
                                             : "?";
      key.push_back(absl::StrCat(e.step(), "=", value));
      v1::OutcomePart* part = result->add_outcome_parts();
      part->set_what(e.step());
      part->set_value(value);
    }
  }
  std::vector<std::string> outcome = key;
  for (const auto& r : result->expectations()) {
    if (!r.expectation().has_wire() || !r.applies()) continue;
    const std::string check = DescribeWireCheck(r.expectation().wire());
    outcome.push_back(absl::StrCat("[", check, ": ", r.met() ? "yes" : "no", "]"));
    v1::OutcomePart* part = result->add_outcome_parts();
    part->set_what(absl::StrCat("wire: ", check));
    part->set_value(r.met() ? "yes" : "no");
  }
  result->set_outcome(absl::StrJoin(outcome, " "));
  for (const auto& e : spec.expect()) {
    if (!e.has_wire() || !ForThisPlatform(e, platform, version)) continue;
    const std::string k = absl::StrCat(e.wire().from(), ":", e.wire().flags());
    if (result->captured() && described.insert(k).second) {
      key.push_back(absl::StrCat(k, "x", CountSent(e.wire(), result->segments())));
    }
  }
  result->set_key_observation(absl::StrJoin(key, " "));
  if (wire_unavailable && result->verdict() != v1::ERROR &&
      result->verdict() != v1::NOT_SUPPORTED) {
    result->set_verdict(v1::NOT_SUPPORTED);
    result->set_error("the case checks the wire and this platform's agent cannot capture");
  }
  if (result->verdict() != v1::ERROR && result->verdict() != v1::NOT_SUPPORTED) {
    result->set_verdict(all_applicable_met ? v1::MATCHED : v1::DEVIATED);
  }
  if (result->verdict() == v1::ERROR || result->verdict() == v1::NOT_SUPPORTED ||
      !claim_checked) {
    result->set_claim_status(v1::NOT_APPLICABLE);
  } else {
    result->set_claim_status(claim_held ? v1::HELD : v1::REFUTED);
  }
}

}  // namespace closeprobe::controller
