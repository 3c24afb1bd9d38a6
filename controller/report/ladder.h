// Ladder: a case run as a sequence diagram: one lane per role, and in time
// order the socket calls (on their role's lane), the TCP state changes seen
// while waiting, and the captured segments (from one lane to another). Drawn
// as SVG in report.html and as text by `closeprobe show`.
#ifndef CLOSEPROBE_CONTROLLER_LADDER_H_
#define CLOSEPROBE_CONTROLLER_LADDER_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

// Every event is placed on the agents' wall clock (one origin for calls,
// states and segments): a call when it returned, with how long it took.
struct LadderEvent {
  enum Kind { kCall, kState, kSegment } kind = kCall;
  int64_t unix_ns = 0;
  bool dropped = false;  // segments: a fault of the case dropped it
  bool injected = false;  // segments: crafted by an inject step, not sent by a stack
  int lane = 0;     // the role that acts (sends, for segments)
  int to_lane = 0;  // segments: the receiving role
  std::string text;
  std::string flags;  // segments only
};

struct LadderDiagram {
  std::vector<std::string> lanes;  // role names, sorted (stable sides); "?" for segments no role owns
  std::vector<LadderEvent> events;  // in time order; one kSegment per captured segment
};

LadderDiagram BuildLadder(const v1::CaseResult& result);

// The diagram as text, one event per line.
void PrintLadder(const LadderDiagram& d, std::ostream& out);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_LADDER_H_
