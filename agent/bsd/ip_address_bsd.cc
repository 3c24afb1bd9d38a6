// ParseIpAddress through the BSD socket interface's inet_pton, on every
// platform (Winsock has it too).
#include "agent/bsd/socket_headers.h"
#include "agent/ip_address.h"

namespace closeprobe::agent {

bool ParseIpAddress(const std::string& text, IpAddress* out) {
  *out = IpAddress();
  if (inet_pton(AF_INET, text.c_str(), out->bytes.data()) == 1) return true;
  out->v6 = true;
  return inet_pton(AF_INET6, text.c_str(), out->bytes.data()) == 1;
}

}  // namespace closeprobe::agent
