// CompanionKey: the name of the agent a placement needs beside a role, used
// by the hosts that start companion agents and by the binder that picks them.
#ifndef CLOSEPROBE_CONTROLLER_CASES_COMPANION_KEY_H_
#define CLOSEPROBE_CONTROLLER_CASES_COMPANION_KEY_H_

#include <string>

#include "closeprobe/v1/case.pb.h"

namespace closeprobe::controller {

// "subject/own", "subject/other_user", "peer/own" or "peer/other_user"; ""
// for PROCESS_SAME.
std::string CompanionKey(bool beside_subject, v1::Placement::Process process);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASES_COMPANION_KEY_H_
