// Endpoint <-> sockaddr_storage, for the BSD-style backends (POSIX, lwIP,
// gVisor, Winsock). `Len` is the platform's address length type (socklen_t,
// or int on Winsock).
#ifndef CLOSEPROBE_AGENT_BSD_SOCKADDR_ENDPOINT_H_
#define CLOSEPROBE_AGENT_BSD_SOCKADDR_ENDPOINT_H_

#include <cstring>
#include <string>

#include "agent/bsd/socket_headers.h"
#include "agent/socket_api.h"

namespace closeprobe::agent {

// False for an address that is not numeric IPv4/IPv6 text; "" is any (IPv4).
template <typename Len>
bool ToSockaddr(const Endpoint& e, sockaddr_storage* ss, Len* len) {
  std::memset(ss, 0, sizeof(*ss));
  if (e.address.find(':') != std::string::npos) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(e.port);
    if (inet_pton(AF_INET6, e.address.c_str(), &sin6->sin6_addr) != 1) return false;
    *len = sizeof(*sin6);
    return true;
  }
  auto* sin = reinterpret_cast<sockaddr_in*>(ss);
  sin->sin_family = AF_INET;
  sin->sin_port = htons(e.port);
  if (e.address.empty()) {
    sin->sin_addr.s_addr = htonl(INADDR_ANY);
  } else if (inet_pton(AF_INET, e.address.c_str(), &sin->sin_addr) != 1) {
    return false;
  }
  *len = sizeof(*sin);
  return true;
}

inline Endpoint FromSockaddr(const sockaddr_storage& ss) {
  Endpoint e;
  char text[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET6) {
    const auto& sin6 = reinterpret_cast<const sockaddr_in6&>(ss);
    inet_ntop(AF_INET6, &sin6.sin6_addr, text, sizeof(text));
    e.port = ntohs(sin6.sin6_port);
  } else {
    const auto& sin = reinterpret_cast<const sockaddr_in&>(ss);
    inet_ntop(AF_INET, &sin.sin_addr, text, sizeof(text));
    e.port = ntohs(sin.sin_port);
  }
  e.address = text;
  return e;
}

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_BSD_SOCKADDR_ENDPOINT_H_
