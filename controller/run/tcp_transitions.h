// TcpTransitions: whether a sequence of sampled TCP states is one that TCP
// can produce (RFC 793's state diagram; samples may skip states, so each
// step must be reachable, not adjacent), plus the steps a stack's source
// shows it takes outside the diagram (StackTransitions). A sequence that is
// neither tells of an observer fault (a state the stack never held), never
// of the stack.
#ifndef CLOSEPROBE_CONTROLLER_RUN_TCP_TRANSITIONS_H_
#define CLOSEPROBE_CONTROLLER_RUN_TCP_TRANSITIONS_H_

#include <string>
#include <vector>

#include "closeprobe/v1/agent.pb.h"

namespace closeprobe::controller {

// A step outside RFC 793's diagram that a stack takes, with the source.
struct StackTransition {
  const char* platform;
  v1::TcpState from;
  v1::TcpState to;
  const char* source;
};
const std::vector<StackTransition>& StackTransitions();

// "" when TCP (or `platform`'s documented transitions) can produce `states`
// in that order; else the first impossible step, e.g. "CLOSED>LAST_ACK:
// nothing follows CLOSED".
std::string ImpossibleStep(const std::vector<v1::TcpState>& states,
                           const std::string& platform = "");

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_RUN_TCP_TRANSITIONS_H_
