// TcpTransitions: whether a sequence of sampled TCP states is one that TCP
// can produce (RFC 793's state diagram; samples may skip states, so each
// step must be reachable, not adjacent). A sequence that is not tells of an
// observer fault (a state the stack never held), never of the stack.
#ifndef CLOSEPROBE_CONTROLLER_RUN_TCP_TRANSITIONS_H_
#define CLOSEPROBE_CONTROLLER_RUN_TCP_TRANSITIONS_H_

#include <string>
#include <vector>

#include "closeprobe/v1/agent.pb.h"

namespace closeprobe::controller {

// "" when TCP can produce `states` in that order; else the first impossible
// step, e.g. "CLOSED>LAST_ACK: nothing follows CLOSED".
std::string ImpossibleStep(const std::vector<v1::TcpState>& states);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_RUN_TCP_TRANSITIONS_H_
