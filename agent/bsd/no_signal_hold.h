// NoSignalHold: the SignalHold of a Calls row (bsd_socket_api.h) whose
// stack raises no SIGPIPE (lwIP, gVisor's netstack, Winsock): a send
// without MSG_NOSIGNAL raises nothing there, so there is nothing to hold.
#ifndef CLOSEPROBE_AGENT_BSD_NO_SIGNAL_HOLD_H_
#define CLOSEPROBE_AGENT_BSD_NO_SIGNAL_HOLD_H_

namespace closeprobe::agent::bsd {

struct NoSignalHold {
  explicit NoSignalHold(bool /*active*/) {}
  bool TakeRaised() { return false; }
};

}  // namespace closeprobe::agent::bsd

#endif  // CLOSEPROBE_AGENT_BSD_NO_SIGNAL_HOLD_H_
