// POSIX socket calls (Linux; also builds on BSD and macOS), through the
// shared BSD socket logic.
#include "agent/posix/socket_api_posix.h"

#include "agent/bsd/bsd_socket_api.h"
#include "agent/posix/posix_calls.h"

namespace closeprobe::agent {

std::unique_ptr<SocketApi> NewPosixSocketApi() {
  return std::make_unique<BsdSocketApi<PosixCalls>>();
}

}  // namespace closeprobe::agent
