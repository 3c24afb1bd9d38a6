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

// "client F" / "server R x2 after client F": the check as text.
std::string DescribeWireCheck(const v1::WireCheck& check);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_JUDGE_WIRE_CHECKS_H_
