// The socket options of agent.proto as the BSD interface's level and name,
// for every BsdSocketApi stack. An option whose name the stack's headers do
// not define is not looked up: the step answers not supported.
#ifndef CLOSEPROBE_AGENT_BSD_SOCKET_OPTIONS_H_
#define CLOSEPROBE_AGENT_BSD_SOCKET_OPTIONS_H_

#include "agent/bsd/socket_headers.h"
#include "closeprobe/v1/agent.pb.h"

namespace closeprobe::agent::bsd {

struct OptionSpec {
  int level;
  int name;
};

inline bool LookupOption(v1::SocketOption option, OptionSpec* spec) {
  switch (option) {
    case v1::SOCKET_OPTION_SO_LINGER: *spec = {SOL_SOCKET, SO_LINGER}; return true;
    case v1::SOCKET_OPTION_SO_REUSEADDR: *spec = {SOL_SOCKET, SO_REUSEADDR}; return true;
#ifdef SO_REUSEPORT
    case v1::SOCKET_OPTION_SO_REUSEPORT: *spec = {SOL_SOCKET, SO_REUSEPORT}; return true;
#endif
#ifdef SO_EXCLUSIVEADDRUSE
    case v1::SOCKET_OPTION_SO_EXCLUSIVEADDRUSE:
      *spec = {SOL_SOCKET, SO_EXCLUSIVEADDRUSE};
      return true;
#endif
    case v1::SOCKET_OPTION_SO_KEEPALIVE: *spec = {SOL_SOCKET, SO_KEEPALIVE}; return true;
#ifdef TCP_KEEPIDLE
    case v1::SOCKET_OPTION_TCP_KEEPIDLE: *spec = {IPPROTO_TCP, TCP_KEEPIDLE}; return true;
#endif
#ifdef TCP_KEEPINTVL
    case v1::SOCKET_OPTION_TCP_KEEPINTVL: *spec = {IPPROTO_TCP, TCP_KEEPINTVL}; return true;
#endif
#ifdef TCP_KEEPCNT
    case v1::SOCKET_OPTION_TCP_KEEPCNT: *spec = {IPPROTO_TCP, TCP_KEEPCNT}; return true;
#endif
#ifdef TCP_USER_TIMEOUT
    case v1::SOCKET_OPTION_TCP_USER_TIMEOUT:
      *spec = {IPPROTO_TCP, TCP_USER_TIMEOUT};
      return true;
#endif
    case v1::SOCKET_OPTION_SO_SNDBUF: *spec = {SOL_SOCKET, SO_SNDBUF}; return true;
    case v1::SOCKET_OPTION_SO_RCVBUF: *spec = {SOL_SOCKET, SO_RCVBUF}; return true;
    case v1::SOCKET_OPTION_TCP_NODELAY: *spec = {IPPROTO_TCP, TCP_NODELAY}; return true;
    case v1::SOCKET_OPTION_SO_ERROR: *spec = {SOL_SOCKET, SO_ERROR}; return true;
    default: return false;
  }
}

}  // namespace closeprobe::agent::bsd

#endif  // CLOSEPROBE_AGENT_BSD_SOCKET_OPTIONS_H_
