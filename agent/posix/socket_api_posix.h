// Factory for the POSIX SocketApi (socket_api_posix.cc). Included only by
// platform libraries that use POSIX sockets (agent/linux).
#ifndef CLOSEPROBE_AGENT_POSIX_SOCKET_API_POSIX_H_
#define CLOSEPROBE_AGENT_POSIX_SOCKET_API_POSIX_H_

#include <memory>

#include "agent/socket_api.h"

namespace closeprobe::agent {

std::unique_ptr<SocketApi> NewPosixSocketApi();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_POSIX_SOCKET_API_POSIX_H_
