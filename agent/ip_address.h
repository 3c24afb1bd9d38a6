// IpAddress: numeric IPv4/IPv6 text as bytes, for comparing addresses with
// networks (TargetAllowList). The text is parsed by the platform's inet_pton
// (bsd/ip_address_bsd.cc).
#ifndef CLOSEPROBE_AGENT_IP_ADDRESS_H_
#define CLOSEPROBE_AGENT_IP_ADDRESS_H_

#include <array>
#include <cstdint>
#include <string>

namespace closeprobe::agent {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
};

// False for text that is not a numeric IPv4 or IPv6 address.
bool ParseIpAddress(const std::string& text, IpAddress* out);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_IP_ADDRESS_H_
