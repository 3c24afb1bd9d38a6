// Linux's TCP state numbers (include/net/tcp_states.h), as sock_diag,
// TCP_INFO's tcpi_state and /proc/net/tcp's `st` column give them, and the
// state of a socket without a connection.
#ifndef CLOSEPROBE_AGENT_LINUX_TCP_STATES_LINUX_H_
#define CLOSEPROBE_AGENT_LINUX_TCP_STATES_LINUX_H_

#include "agent/state_observer.h"
#include "closeprobe/v1/agent.pb.h"

namespace closeprobe::agent {

// TCP_STATE_UNSPECIFIED for a number Linux does not define.
v1::TcpState FromKernelTcpState(int s);

// What an observer reports for a socket the kernel holds no connection of.
inline ConnectionInfo ClosedConnection(const SocketIdentity& id) {
  ConnectionInfo c;
  c.local = id.local;
  c.remote = id.remote;
  c.state = v1::TCP_STATE_CLOSED;
  return c;
}

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_LINUX_TCP_STATES_LINUX_H_
