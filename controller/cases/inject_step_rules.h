// The rules of an inject step (case.proto InjectStep), apart from the
// validator's generic checks (its handle `on` exists): who may send it, to
// whom, and which field values a segment can carry.
//
// Thread safety: stateless.
#ifndef CLOSEPROBE_CONTROLLER_CASES_INJECT_STEP_RULES_H_
#define CLOSEPROBE_CONTROLLER_CASES_INJECT_STEP_RULES_H_

#include <string>
#include <vector>

#include "closeprobe/v1/case.pb.h"

namespace closeprobe::controller {

struct InjectProblem {
  std::string field;  // the InjectStep field at fault ("" = the step)
  std::string message;
};

// `role`: the step's role; `on_role`: the role owning handle `on` ("" when
// unknown, told elsewhere); `subject`: the case's subject.
std::vector<InjectProblem> CheckInjectStep(const v1::InjectStep& step, const std::string& role,
                                           const std::string& on_role,
                                           const std::string& subject);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASES_INJECT_STEP_RULES_H_
