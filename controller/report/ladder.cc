#include "controller/report/ladder.h"

#include <algorithm>
#include <climits>
#include <map>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/cases/names.h"

namespace closeprobe::controller {
namespace {

// When the step's call returned, on the agent's wall clock; the controller's
// record time for steps without a call of the agent's (sleep, lift). A wait
// that reached its state returned when the state was first seen (its last
// transition); one that ran out, its wait after its first sample (which came
// a sample's time after the wait began, so at most that late).
int64_t ReturnedAt(const v1::StepRecord& s) {
  if (s.has_result() && s.result().start_unix_ns() != 0) {
    return s.result().start_unix_ns() + s.result().duration_ns();
  }
  const auto& seen = s.wait().transitions();
  if (s.has_wait() && !seen.empty() && seen[0].at_unix_ns() != 0) {
    const v1::StateTransition& last = seen[seen.size() - 1];
    if (s.wait().reached() && last.at_unix_ns() != 0) return last.at_unix_ns();
    return seen[0].at_unix_ns() + s.wait().waited_ns();
  }
  return s.start_unix_ns();
}

double TookMs(const v1::StepRecord& s) {
  if (s.has_wait()) return s.wait().waited_ns() / 1e6;
  return s.has_result() ? s.result().duration_ns() / 1e6 : 0;
}

// "SFRA" letters of a segment's flags, as a drop's exact_flags names them.
std::string FaultLetters(const std::string& flags) {
  std::string out;
  for (char c : std::string("SFRA")) {
    if (flags.find(c) != std::string::npos) out += c;
  }
  return out;
}

bool SameLetters(const std::string& a, const std::string& b) {
  return FaultLetters(a) == FaultLetters(b);
}

// A drop step's fault and when it held (until its lift, or the end).
struct Fault {
  std::string host, peer, exact_flags;
  v1::FaultDirection direction;
  int64_t from_ns, until_ns;
};

std::vector<Fault> FaultsOf(const v1::CaseResult& r) {
  std::vector<Fault> faults;
  for (const v1::StepRecord& s : r.steps()) {
    if (s.fault().empty() || s.fault_peer().empty()) continue;  // drop steps only
    Fault f{s.role(), s.fault_peer(), s.fault_exact_flags(), s.fault_direction(),
            s.start_unix_ns(), INT64_MAX};
    for (const v1::StepRecord& later : r.steps()) {
      // The lift step records the fault it removed.
      if (later.index() > s.index() && later.fault() == s.fault() && later.fault_peer().empty()) {
        f.until_ns = later.start_unix_ns();
        break;
      }
    }
    faults.push_back(f);
  }
  return faults;
}

bool Dropped(const v1::WireSegment& w, const std::vector<Fault>& faults) {
  for (const Fault& f : faults) {
    if (w.raw().unix_ns() < f.from_ns || w.raw().unix_ns() > f.until_ns) continue;
    const bool incoming = w.from_role() == f.peer && w.to_role() == f.host;
    const bool outgoing = w.from_role() == f.host && w.to_role() == f.peer;
    const bool way = f.direction == v1::FAULT_DIRECTION_INCOMING   ? incoming
                     : f.direction == v1::FAULT_DIRECTION_OUTGOING ? outgoing
                                                                   : incoming || outgoing;
    if (way && (f.exact_flags.empty() || SameLetters(w.flags(), f.exact_flags))) return true;
  }
  return false;
}

// The value a call read, where it reads one rather than returning it: an
// option, the events a poll saw, an address; "" for other calls.
std::string ValueRead(const v1::StepRecord& s) {
  if (s.has_option()) {
    const v1::OptionValue& o = s.option();
    if (o.has_linger()) {
      return absl::StrCat("{", o.linger().enabled() ? 1 : 0, ", ", o.linger().seconds(), "}");
    }
    return absl::StrCat(o.value() != 0 || !o.enabled() ? o.value() : 1);
  }
  if (s.has_poll()) return s.poll().fired().empty() ? "no events" : PollEventsText(s.poll().fired());
  return s.endpoint();
}

std::string Outcome(const v1::StepRecord& s) {
  if (s.skipped()) return " skipped";
  if (s.has_wait()) return absl::StrCat(" -> ", StateText(s.wait().state()));
  if (s.has_state()) return absl::StrCat(" -> ", StateText(s.state().state()));
  if (s.has_result()) {
    // A value read is drawn as what was seen ("-> 104"), like a state.
    const bool ok = s.result().error() == v1::ERROR_NAME_OK;
    if (const std::string read = ok ? ValueRead(s) : ""; !read.empty()) return " -> " + read;
    return absl::StrCat(" = ", s.result().return_value(),
                        ok ? "" : absl::StrCat(" ", ErrorText(s.result().error())));
  }
  return "";
}

}  // namespace

LadderDiagram BuildLadder(const v1::CaseResult& r) {
  LadderDiagram d;
  // Lanes in name order, so the same roles are drawn on the same sides in
  // every run (the record's map has no order of its own).
  std::set<std::string> roles;
  for (const auto& [role, platform] : r.role_platforms()) roles.insert(role);
  std::map<std::string, int> lane;
  for (const std::string& role : roles) {
    lane[role] = static_cast<int>(d.lanes.size());
    d.lanes.push_back(role);
  }
  auto lane_of = [&](const std::string& role) {
    const std::string name = role.empty() ? "?" : role;
    auto [it, fresh] = lane.try_emplace(name, static_cast<int>(d.lanes.size()));
    if (fresh) d.lanes.push_back(name);
    return it->second;
  };
  for (const v1::StepRecord& s : r.steps()) {
    if (s.role().empty()) continue;  // sleep, join
    LadderEvent call;
    call.kind = LadderEvent::kCall;
    call.unix_ns = ReturnedAt(s);
    call.lane = lane_of(s.role());
    call.text = absl::StrCat(s.call(), Outcome(s),
                             TookMs(s) >= 0.1 ? absl::StrFormat(" (took %.1f ms)", TookMs(s)) : "");
    d.events.push_back(call);
    // The states passed on the way; the one a wait reached is its call's line.
    const auto& t = s.wait().transitions();
    const int drawn = s.wait().reached() ? t.size() - 1 : t.size();
    for (int i = 1; i < drawn; ++i) {
      LadderEvent state;
      state.kind = LadderEvent::kState;
      state.unix_ns = t[i].at_unix_ns() != 0
                          ? t[i].at_unix_ns()
                          : s.start_unix_ns() + (t[i].at_mono_ns() - t[0].at_mono_ns());
      state.lane = call.lane;
      state.text = absl::StrCat("[", StateText(t[i].state()), "]");
      d.events.push_back(state);
    }
  }
  const std::vector<Fault> faults = FaultsOf(r);
  for (const v1::WireSegment& w : r.segments()) {
    LadderEvent seg;
    seg.kind = LadderEvent::kSegment;
    seg.unix_ns = w.raw().unix_ns();
    seg.lane = lane_of(w.from_role());
    seg.to_lane = lane_of(w.to_role());
    seg.flags = w.flags();
    // Injected segments pass their sender's own drop rules (a packet mark).
    seg.injected = w.injected();
    seg.dropped = !seg.injected && Dropped(w, faults);
    seg.text = absl::StrFormat("%s seq=%u ack=%u%s%s%s", w.flags(), w.rel_seq(), w.rel_ack(),
                               w.length() > 0 ? absl::StrCat(" len=", w.length()) : "",
                               seg.dropped ? " DROPPED" : "", seg.injected ? " INJECTED" : "");
    d.events.push_back(seg);
  }
  std::stable_sort(d.events.begin(), d.events.end(),
                   [](const LadderEvent& a, const LadderEvent& b) { return a.unix_ns < b.unix_ns; });
  return d;
}

void PrintLadder(const LadderDiagram& d, std::ostream& out) {
  const int64_t t0 = d.events.empty() ? 0 : d.events.front().unix_ns;
  for (const LadderEvent& e : d.events) {
    std::string line;
    if (e.kind == LadderEvent::kSegment) {
      // The lower lane always on the left; a dropped segment stops short (--x).
      const bool right = e.to_lane > e.lane;
      const int left = right ? e.lane : e.to_lane, other = right ? e.to_lane : e.lane;
      // An injected segment is drawn ==>: no stack sent it.
      const char* arrow = right ? (e.dropped ? "---x " : e.injected ? "====>" : "---->")
                                : (e.dropped ? " x---" : e.injected ? "<====" : "<----");
      line = absl::StrFormat("%-8s %s %-8s  %s", d.lanes[left], arrow, d.lanes[other], e.text);
    } else {
      line = absl::StrFormat("%-8s %s", d.lanes[e.lane], e.text);
    }
    out << absl::StrFormat("%9.3f ms  ", (e.unix_ns - t0) / 1e6) << line << "\n";
  }
}

}  // namespace closeprobe::controller
