// The Winsock backend of SocketApi (Windows): closesocket, shutdown SD_*,
// SO_LINGER (SO_DONTLINGER is SO_LINGER with l_onoff 0), SO_REUSEADDR,
// SO_EXCLUSIVEADDRUSE, keepalive through TCP_KEEPIDLE/TCP_KEEPINTVL/
// TCP_KEEPCNT where the headers have them, non-blocking mode through
// ioctlsocket(FIONBIO), deadlines through WSAPoll. native_error is
// WSAGetLastError(). The caller has called WSAStartup (WinsockSession).
#ifndef CLOSEPROBE_AGENT_WINDOWS_SOCKET_API_WINSOCK_H_
#define CLOSEPROBE_AGENT_WINDOWS_SOCKET_API_WINSOCK_H_

#include <memory>

#include "agent/socket_api.h"

namespace closeprobe::agent {

// WSAStartup on construction, WSACleanup on destruction.
class WinsockSession {
 public:
  WinsockSession();
  ~WinsockSession();
  WinsockSession(const WinsockSession&) = delete;
  WinsockSession& operator=(const WinsockSession&) = delete;
  bool ok() const { return error_ == 0; }
  int error() const { return error_; }

 private:
  int error_ = 0;
};

std::unique_ptr<SocketApi> NewWinsockSocketApi();

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_WINDOWS_SOCKET_API_WINSOCK_H_
