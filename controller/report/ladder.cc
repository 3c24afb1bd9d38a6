#include "controller/report/ladder.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/cases/names.h"

namespace closeprobe::controller {
namespace {

std::string Outcome(const v1::StepRecord& s) {
  if (s.skipped()) return " skipped";
  if (s.has_wait()) return absl::StrCat(" -> ", StateText(s.wait().state()));
  if (s.has_state()) return absl::StrCat(" -> ", StateText(s.state().state()));
  if (s.has_result()) {
    return absl::StrCat(" = ", s.result().return_value(),
                        s.result().error() == v1::ERROR_NAME_OK
                            ? ""
                            : absl::StrCat(" ", ErrorText(s.result().error())));
  }
  return "";
}

}  // namespace

LadderDiagram BuildLadder(const v1::CaseResult& r) {
  LadderDiagram d;
  std::map<std::string, int> lane;
  for (const auto& [role, platform] : r.role_platforms()) {
    lane[role] = static_cast<int>(d.lanes.size());
    d.lanes.push_back(role);
  }
  auto lane_of = [&](const std::string& role) {
    auto it = lane.find(role.empty() ? "?" : role);
    if (it != lane.end()) return it->second;
    lane[role.empty() ? "?" : role] = static_cast<int>(d.lanes.size());
    d.lanes.push_back(role.empty() ? "?" : role);
    return static_cast<int>(d.lanes.size()) - 1;
  };
  for (const v1::StepRecord& s : r.steps()) {
    if (s.role().empty()) continue;  // sleep, join
    LadderEvent call;
    call.kind = LadderEvent::kCall;
    call.unix_ns = s.start_unix_ns();
    call.lane = lane_of(s.role());
    call.text = absl::StrCat(s.call(), Outcome(s));
    d.events.push_back(call);
    const auto& t = s.wait().transitions();
    for (int i = 1; i < t.size(); ++i) {
      LadderEvent state;
      state.kind = LadderEvent::kState;
      state.unix_ns = s.start_unix_ns() + (t[i].at_mono_ns() - t[0].at_mono_ns());
      state.lane = call.lane;
      state.text = absl::StrCat("[", StateText(t[i].state()), "]");
      d.events.push_back(state);
    }
  }
  for (const v1::WireSegment& w : r.segments()) {
    LadderEvent seg;
    seg.kind = LadderEvent::kSegment;
    seg.unix_ns = w.raw().unix_ns();
    seg.lane = lane_of(w.from_role());
    seg.to_lane = lane_of(w.to_role());
    seg.flags = w.flags();
    seg.text = absl::StrFormat("%s seq=%u ack=%u%s", w.flags(), w.rel_seq(), w.rel_ack(),
                               w.length() > 0 ? absl::StrCat(" len=", w.length()) : "");
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
      line = absl::StrFormat("%-8s %s %-8s  %s", d.lanes[e.lane], e.to_lane > e.lane ? "---->" : "<----",
                             d.lanes[e.to_lane], e.text);
      if (e.to_lane < e.lane) {
        line = absl::StrFormat("%-8s <---- %-8s  %s", d.lanes[e.to_lane], d.lanes[e.lane], e.text);
      }
    } else {
      line = absl::StrFormat("%-8s %s", d.lanes[e.lane], e.text);
    }
    out << absl::StrFormat("%9.3f ms  ", (e.unix_ns - t0) / 1e6) << line << "\n";
  }
}

}  // namespace closeprobe::controller
