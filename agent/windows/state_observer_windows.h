// The Windows StateObserver: GetExtendedTcpTable, TIME_WAIT included.
#ifndef CLOSEPROBE_AGENT_WINDOWS_STATE_OBSERVER_WINDOWS_H_
#define CLOSEPROBE_AGENT_WINDOWS_STATE_OBSERVER_WINDOWS_H_

#include <memory>

#include "agent/state_observer.h"

namespace closeprobe::agent {

std::unique_ptr<StateObserver> NewWindowsStateObserver();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_WINDOWS_STATE_OBSERVER_WINDOWS_H_
