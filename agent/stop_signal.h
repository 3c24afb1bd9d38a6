// StopSignal: how the agent learns that it should stop (SIGTERM or SIGINT on
// POSIX, Ctrl-C or the console closing on Windows), one file per platform
// (posix/stop_signal_posix.cc, windows/stop_signal_windows.cc).
#ifndef CLOSEPROBE_AGENT_STOP_SIGNAL_H_
#define CLOSEPROBE_AGENT_STOP_SIGNAL_H_

#include <string>

namespace closeprobe::agent {

// Call once, before any thread starts (POSIX blocks the signals in every
// thread so that only Wait() receives them).
void InstallStopSignal();

// Blocks until a stop is requested or WakeStopWaiter() is called; says which.
std::string WaitForStopSignal();

// Ends a WaitForStopSignal() when the agent stops for another reason.
void WakeStopWaiter();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_STOP_SIGNAL_H_
