// The inject step (case.proto InjectStep): asks the agent of the step's role
// to put one crafted segment on the subject's link, with numbers its own
// capture of the case resolves, and records what was sent.
//
// Thread safety: as ExecuteStep (one running case).
#ifndef CLOSEPROBE_CONTROLLER_RUN_STEP_EXECUTOR_INJECT_H_
#define CLOSEPROBE_CONTROLLER_RUN_STEP_EXECUTOR_INJECT_H_

#include "absl/status/status.h"
#include "controller/run/step_executor.h"

namespace closeprobe::controller {

// Unimplemented when the role's agent cannot inject (the step is n/s there);
// FailedPrecondition when a number cannot be resolved (an error of the run).
absl::Status ExecuteInject(const v1::Step& step, CaseContext& ctx, v1::StepRecord* record);

// Before the first step: a capture of the case's ports on the agent of every
// role that injects, where the agent has the "inject" feature (the others'
// inject steps are then n/s). After the last: stops them. An agent with the
// feature that fails to start one is at fault: the error says which role.
absl::Status StartInjectCaptures(const v1::Case& spec, CaseContext& ctx);
void StopInjectCaptures(CaseContext& ctx);

// Marks the captured segments the case's inject steps sent (same addresses,
// numbers and flags), each step's at most once.
void MarkInjected(const google::protobuf::RepeatedPtrField<v1::StepRecord>& steps,
                  google::protobuf::RepeatedPtrField<v1::WireSegment>* segments);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_RUN_STEP_EXECUTOR_INJECT_H_
