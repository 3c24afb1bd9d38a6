// When a background step returned, said against the other steps: the last
// step whose call began while it waited, on the same clock (an agent's
// monotonic clock; agents of one machine share it), so a record says "accept
// returned 3 ms after the shutdown began" rather than only its duration.
// No such step (nothing began meanwhile, or on another clock): left unset.
//
// Thread safety: call after every background step has been joined.
#ifndef CLOSEPROBE_CONTROLLER_RUN_BACKGROUND_RETURNS_H_
#define CLOSEPROBE_CONTROLLER_RUN_BACKGROUND_RETURNS_H_

#include <string>
#include <vector>

#include "closeprobe/v1/case.pb.h"
#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

// `clock_of[i]`: the clock domain of step i's agent ("" = none: the step
// made no call, or its agent's clock is unknown). Sets returned_after_step
// and returned_after_ns on each background step's record that made a call.
void MarkBackgroundReturns(const v1::Case& spec, const std::vector<std::string>& clock_of,
                           google::protobuf::RepeatedPtrField<v1::StepRecord>* records);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_RUN_BACKGROUND_RETURNS_H_
