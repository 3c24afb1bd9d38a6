#include "controller/judge/expectation_matcher.h"

#include <map>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "controller/cases/names.h"
#include "controller/cases/platforms.h"
#include "controller/cases/step_kinds.h"
#include "controller/judge/wire_checks.h"

namespace closeprobe::controller {
namespace {

bool HasCall(const v1::StepRecord& s) { return s.has_result(); }

// What the step's kind observes (StepRecord.kind); nothing for a record
// without a kind.
bool Observes(const v1::StepRecord& s, uint32_t what) {
  const StepKindRow* kind = KindNamed(s.kind());
  return kind != nullptr && (kind->observes & what) != 0;
}

}  // namespace

namespace {

// A step's observation in a word or two, as the matrix shows it: a state, a
// value read back, "timeout" for a wait that ran out, else the error name.
std::string KeyValue(const v1::StepRecord& s) {
  if (s.skipped()) return "skipped";
  const v1::TcpState st = ObservedState(s);
  if (st != v1::TCP_STATE_UNSPECIFIED) return StateText(st);
  if (!HasCall(s)) return "?";
  const v1::ErrorName e = s.result().error();
  if (e == v1::ERROR_NAME_TIMEOUT || (s.has_readable() && e == v1::ERROR_NAME_OK &&
                                      !s.readable().readable() && !s.readable().hangup() &&
                                      !s.readable().error())) {
    return "timeout";
  }
  if (s.has_poll() && e == v1::ERROR_NAME_OK) {
    return s.poll().fired().empty() ? "timeout" : PollEventsText(s.poll().fired());
  }
  if (!s.endpoint().empty()) return s.endpoint();
  // recv: the end of the stream and a read of data are both OK; say which.
  if (Observes(s, kBytesRead) && e == v1::ERROR_NAME_OK) {
    return s.result().return_value() == 0 ? "EOF" : absl::StrCat(s.result().return_value(), "B");
  }
  if (s.has_option() && e == v1::ERROR_NAME_OK) {
    const v1::OptionValue& o = s.option();
    if (o.has_linger()) return LingerText(o.linger());
    return absl::StrCat(o.value() != 0 || !o.enabled() ? o.value() : 1);
  }
  return ErrorText(e);
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

}  // namespace

std::string DescribeExpectation(const v1::Expectation& e) {
  if (e.has_wire()) return absl::StrCat("wire: ", DescribeWireCheck(e.wire()));
  return DescribeChecks(ResolveChecks(e, nullptr, nullptr));
}

std::string DescribeMiss(const v1::ExpectationResult& e) {
  const std::string subject =
      e.expectation().has_wire() ? "" : absl::StrCat("step ", e.expectation().step(), " ");
  return absl::StrCat(subject, "expected ", e.expected(), ", observed ", e.observed());
}

std::string DescribeObservation(const v1::StepRecord& s, bool sent_without_nosignal) {
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
    const int64_t left = s.state().connection().timer_remaining_ms();
    if (s.state().has_connection()) {
      parts.push_back(left < 0 ? "timer=unknown" : absl::StrCat("timer_ms=", left));
    }
  }
  if (s.has_option()) {
    parts.push_back(s.option().has_linger()
                        ? absl::StrCat("linger=", LingerText(s.option().linger()))
                        : absl::StrCat("value=", s.option().value()));
  }
  if (s.has_poll()) parts.push_back(absl::StrCat("fired=", PollEventsText(s.poll().fired())));
  if (!s.endpoint().empty()) {
    const v1::Endpoint& raw = s.has_peer() && Observes(s, kPeerEndpoint) ? s.peer() : s.local();
    parts.push_back(absl::StrCat("endpoint=", s.endpoint(), " (", raw.address(), ":",
                                 raw.port(), ")"));
  }
  if (s.has_result()) {
    parts.push_back(absl::StrCat("error=", ErrorWithNative(s.result())));
    parts.push_back(absl::StrCat("result=", s.result().return_value()));
    if (s.has_reached_eof()) parts.push_back(s.reached_eof() ? "reached EOF" : "no EOF");
    if (sent_without_nosignal) {
      parts.push_back(s.result().sigpipe_raised() ? "SIGPIPE raised" : "no SIGPIPE");
    }
  }
  if (s.has_result() || s.has_wait()) {
    parts.push_back(absl::StrFormat("duration_ms=%.3f", DurationMs(s)));
  }
  // Both clocks when the stack skipped idle time.
  if (s.has_wait() && s.wait().stack_waited_ns() > s.wait().waited_ns() + 1'000'000) {
    parts.push_back(absl::StrFormat("(stack time; wall %.3f ms)", s.wait().waited_ns() / 1e6));
  }
  return absl::StrJoin(parts, " ");
}

namespace {

// Whether an expectation is for this platform (and version).
bool ForThisPlatform(const CaseExpectation& x, const std::string& platform,
                     const std::string& version) {
  if (x.spec.platform().empty()) return true;
  if (x.spec.platform() != platform) return false;
  return !x.version.has_value() || VersionSatisfies(version, *x.version);
}

// The platform whose documented expectations a platform also takes, for the
// steps it has none of its own for: gVisor's netstack in the agent's process
// is gVisor's TCP/IP stack, its socket layer written after the sentry's.
// The platform whose expectations apply where `platform` has none of its own.
std::string InheritsFrom(const std::string& platform) {
  const std::optional<Platform> p = FindPlatform(platform);
  return p.has_value() ? p->falls_back : "";
}

}  // namespace

std::string JudgedPlatform(const std::string& column, const std::string& subject) {
  if (subject.empty() || subject == column) return column;
  return InheritsFrom(column) == subject ? column : subject;
}

void MatchExpectations(const LoadedCase& c, const std::string& platform,
                       const std::string& version, v1::CaseResult* result) {
  const v1::Case& spec = c.spec;
  const std::vector<CaseExpectation>& expects = c.expects;
  std::map<std::string, const v1::StepRecord*> by_id;
  for (const auto& s : result->steps()) {
    if (!s.id().empty()) by_id[s.id()] = &s;
  }
  std::set<std::string> unsignalled;  // sends made without MSG_NOSIGNAL
  for (const CaseStep& s : c.steps) {
    if (s.step.send().allow_sigpipe()) unsignalled.insert(s.step.id());
  }
  std::vector<bool> here(expects.size());
  std::set<std::string> overridden;  // subjects with an expectation of this platform's own
  for (size_t i = 0; i < expects.size(); ++i) {
    here[i] = ForThisPlatform(expects[i], platform, version);
    if (!expects[i].spec.platform().empty() && here[i]) overridden.insert(Subject(expects[i].spec));
  }
  const std::string parent = InheritsFrom(platform);
  for (size_t i = 0; i < expects.size() && !parent.empty(); ++i) {
    const v1::Expectation& e = expects[i].spec;
    if (!here[i] && overridden.count(Subject(e)) == 0 &&
        ForThisPlatform(expects[i], parent, version) && !e.platform().empty()) {
      here[i] = true;
    }
  }
  for (size_t i = 0; i < expects.size() && !parent.empty(); ++i) {
    if (here[i] && expects[i].spec.platform() == parent) {
      overridden.insert(Subject(expects[i].spec));
    }
  }
  std::vector<std::string> key;
  std::set<std::string> described;
  // A capture that lost packets may have lost the very segments a wire
  // check counts: it can say nothing of them.
  const bool whole_capture = result->captured() && result->capture_dropped() == 0;
  for (size_t i = 0; i < expects.size(); ++i) {
    const v1::Expectation& e = expects[i].spec;
    // Without a platform an expectation is general: the claim's, or in a
    // question case (no claim) simply what every platform should do; a
    // platform's own expectation for the same step overrides it.
    const bool general = e.platform().empty() && !e.premise();
    const bool from_claim = general && !spec.claim().empty();
    if (!here[i]) continue;
    auto it = by_id.find(e.step());
    v1::ExpectationResult* r = result->add_expectations();
    *r->mutable_expectation() = e;
    r->set_from_claim(from_claim);
    r->set_applies(!general || overridden.count(Subject(e)) == 0);
    if (e.has_wire()) {
      r->set_expected(DescribeExpectation(e));
      std::string observed = "no capture on this platform";
      const bool held = whole_capture && WireHolds(e.wire(), result->segments(), &observed);
      // Segments no role could be assigned to may be the sender's: when they
      // could change the outcome, the check is not known.
      const int unattributed = SegmentsLeavingItUnknown(e.wire(), result->segments());
      const bool undecided = whole_capture && unattributed > 0;
      r->set_met(held && !undecided);
      if (result->captured() && !whole_capture) {
        observed = absl::StrCat("the capture lost ", result->capture_dropped(),
                                " packet(s): ", observed);
      }
      if (undecided) {
        observed = absl::StrCat(unattributed, " such segment(s) no role could be assigned to: ",
                                observed);
      }
      r->set_observed(observed);
      r->set_not_observable(!whole_capture || undecided);
    } else {
      r->set_expected(DescribeChecks(expects[i].checks));
      if (it == by_id.end()) {
        r->set_met(false);
        r->set_observed("step not performed (the case stopped before it)");
      } else {
        r->set_met(ChecksHold(expects[i].checks, *it->second));
        r->set_observed(DescribeObservation(*it->second, unsignalled.count(e.step()) > 0));
      }
    }
  }
  // Every step any expectation names is shown on every platform, whether or
  // not this platform has an expectation for it: a column shows what it saw.
  // The answer comes first, the premises (what had to happen) after it.
  std::vector<const v1::Expectation*> shown;
  for (const bool premises : {false, true}) {
    for (const CaseExpectation& x : expects) {
      if (x.spec.premise() == premises) shown.push_back(&x.spec);
    }
  }
  for (const v1::Expectation* expectation : shown) {
    const v1::Expectation& e = *expectation;
    auto it = by_id.find(e.step());
    if (it == by_id.end() || !described.insert(e.step()).second) continue;
    const v1::StepRecord& s = *it->second;
    const std::string value = KeyValue(s);
    key.push_back(absl::StrCat(e.step(), "=", value));
    v1::OutcomePart* part = result->add_outcome_parts();
    part->set_what(e.step());
    part->set_value(value);
  }
  // A question asks what each stack does: its cells show every step it
  // names that saw something of the stack (a call, a state), with an
  // expectation or not, in the case's order after those. (Outcome and
  // baselines keep to the steps expectations name.)
  std::vector<std::string> seen;
  for (const v1::StepRecord& s : result->steps()) {
    if (!spec.claim().empty() || s.id().empty() || described.count(s.id()) > 0) continue;
    if (!HasCall(s) && !s.has_state() && !s.has_wait() && !s.skipped()) continue;  // inject, drop
    seen.push_back(absl::StrCat(s.id(), "=", KeyValue(s)));
  }
  std::vector<std::string> outcome = key;
  for (const auto& r : result->expectations()) {
    if (!r.expectation().has_wire() || !r.applies()) continue;
    const std::string check = DescribeWireCheck(r.expectation().wire());
    // A check that failed says how many such segments there were ("no, 2
    // seen" for "R x1"), so the label never reads as if none were captured.
    const std::string value =
        r.not_observable() ? "n/o"
        : r.met()          ? "yes"
                           : absl::StrCat("no, ", CountSent(r.expectation().wire(), result->segments()),
                                          " seen");
    outcome.push_back(absl::StrCat("[", check, ": ", value, "]"));
    v1::OutcomePart* part = result->add_outcome_parts();
    part->set_what(absl::StrCat("wire: ", check));
    part->set_value(value);
  }
  result->set_outcome(absl::StrJoin(outcome, " "));
  for (size_t i = 0; i < expects.size(); ++i) {
    const v1::Expectation& e = expects[i].spec;
    if (!e.has_wire() || !here[i]) continue;
    const std::string k = absl::StrCat(e.wire().from(), ":", e.wire().flags());
    if (whole_capture && CountUnattributed(e.wire(), result->segments()) == 0 &&
        described.insert(k).second) {
      key.push_back(absl::StrCat(k, "x", CountSent(e.wire(), result->segments())));
    }
  }
  key.insert(key.end(), seen.begin(), seen.end());
  result->set_key_observation(absl::StrJoin(key, " "));
}

}  // namespace closeprobe::controller
