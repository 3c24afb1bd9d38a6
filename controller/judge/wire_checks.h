// WireChecks: the wire expectations of case files (case.proto WireCheck)
// evaluated against a run's attributed segments.
#ifndef CLOSEPROBE_CONTROLLER_JUDGE_WIRE_CHECKS_H_
#define CLOSEPROBE_CONTROLLER_JUDGE_WIRE_CHECKS_H_

#include <string>

#include "closeprobe/v1/case.pb.h"
#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

// Whether `check` holds for the segments; *observed describes what was seen.
bool WireHolds(const v1::WireCheck& check,
               const google::protobuf::RepeatedPtrField<v1::WireSegment>& segments,
               std::string* observed);

// How many segments the check's sender sent with its flags (counts and
// ordering aside).
int CountSent(const v1::WireCheck& check,
              const google::protobuf::RepeatedPtrField<v1::WireSegment>& segments);

// How many segments no role could be assigned to (from_role empty) the check
// would count were they its sender's.
int CountUnattributed(const v1::WireCheck& check,
                      const google::protobuf::RepeatedPtrField<v1::WireSegment>& segments);

// Whether the check's count is unknown: it holds for some but not all of
// `counted` to `counted + unattributed` segments (an "x0" with one segment no
// role could be assigned to may or may not have been sent by its sender).
bool CountUndecided(const v1::WireCheck& check, int counted, int unattributed);

// How many segments no role could be assigned to leave the check unknown (0:
// it is decided). They do when, were they the sender's, they could change
// its count (CountUndecided), be the first such segment that
// acks_peer_fin/before_peer_fin judge, or be the segment `after` names.
int SegmentsLeavingItUnknown(const v1::WireCheck& check,
                             const google::protobuf::RepeatedPtrField<v1::WireSegment>& segments);

// "client F" / "server R x2 after client F": the check as text.
std::string DescribeWireCheck(const v1::WireCheck& check);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_JUDGE_WIRE_CHECKS_H_
