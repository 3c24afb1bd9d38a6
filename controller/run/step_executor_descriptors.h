// Steps about descriptors and whole streams rather than one socket call:
// dup (case.proto DupStep: a second handle on an open socket) and recv with
// until_eof (reads until the stream ends, counting the reads).
//
// Thread safety: as ExecuteStep (one running case).
#ifndef CLOSEPROBE_CONTROLLER_RUN_STEP_EXECUTOR_DESCRIPTORS_H_
#define CLOSEPROBE_CONTROLLER_RUN_STEP_EXECUTOR_DESCRIPTORS_H_

#include "absl/status/status.h"
#include "controller/run/step_executor.h"

namespace closeprobe::controller {

// `on`: the handle dup() copies. Unimplemented when the role's stack has no
// dup() (the row is n/s there, with the agent's reason).
absl::Status ExecuteDup(const v1::Step& step, const HandleBinding& on, CaseContext& ctx,
                        v1::StepRecord* record);

// recv() until it returns 0 or fails, the step's deadline passes or its byte
// cap is reached. The record's result is the total of bytes with the error
// that ended the reading (OK at the end of the stream or the cap, TIMEOUT at
// the deadline), its time from the first call's start to the last's end,
// and `reads` the number of calls.
absl::Status ExecuteRecvUntilEof(const v1::Step& step, const HandleBinding& on,
                                 CaseContext& ctx, v1::StepRecord* record);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_RUN_STEP_EXECUTOR_DESCRIPTORS_H_
