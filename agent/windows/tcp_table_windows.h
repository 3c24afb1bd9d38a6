// TcpTable: the host's TCP connections from GetExtendedTcpTable (IP Helper),
// TIME_WAIT ones included, with RFC 793 state names. Plain C++ beneath the
// StateObserver (state_observer_windows.cc), so the Wine self-test runs it.
#ifndef CLOSEPROBE_AGENT_WINDOWS_TCP_TABLE_WINDOWS_H_
#define CLOSEPROBE_AGENT_WINDOWS_TCP_TABLE_WINDOWS_H_

#include <cstdint>
#include <vector>

#include "agent/socket_api.h"

namespace closeprobe::agent {

struct TcpRow {
  Endpoint local;
  Endpoint remote;
  const char* state = "CLOSED";  // "ESTABLISHED", "TIME_WAIT", ...
  uint32_t pid = 0;
};

// Every IPv4 TCP connection and listener of the host; false (with the IP
// Helper error in *error) if the table cannot be read.
bool ReadTcpTable(std::vector<TcpRow>* rows, unsigned long* error);

// MIB_TCP_STATE_* -> "TIME_WAIT" and so on.
const char* MibTcpStateName(unsigned long mib_state);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_WINDOWS_TCP_TABLE_WINDOWS_H_
