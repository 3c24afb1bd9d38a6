#include "agent/segment_decoder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace closeprobe::agent {
namespace {

uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t Get32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

std::string Ipv4Text(const uint8_t* a) { return absl::StrCat(a[0], ".", a[1], ".", a[2], ".", a[3]); }

std::string Ipv6Text(const uint8_t* a) {
  std::vector<std::string> groups;
  for (int i = 0; i < 16; i += 2) groups.push_back(absl::StrFormat("%x", Get16(a + i)));
  return absl::StrJoin(groups, ":");
}

// The options the injector needs: window scale and timestamps.
void DecodeOptions(const uint8_t* o, size_t length, CapturedSegment* out) {
  size_t i = 0;
  while (i < length && o[i] != 0) {
    if (o[i] == 1) {  // NOP
      ++i;
      continue;
    }
    if (i + 1 >= length || o[i + 1] < 2 || i + o[i + 1] > length) return;
    if (o[i] == 3 && o[i + 1] == 3) out->window_scale = o[i + 2];
    if (o[i] == 8 && o[i + 1] == 10) {
      out->has_timestamp = true;
      out->ts_value = Get32(o + i + 2);
      out->ts_echo = Get32(o + i + 6);
    }
    i += o[i + 1];
  }
}

}  // namespace

bool DecodeIpTcp(const uint8_t* ip, size_t left, uint16_t ethertype, CapturedSegment* out) {
  size_t ip_header = 0;
  size_t ip_payload = 0;
  std::string src, dst;
  if (ethertype == 0x0800 && left >= 20 && ip[9] == 6) {
    ip_header = (ip[0] & 0x0f) * 4u;
    ip_payload = Get16(ip + 2) >= ip_header ? Get16(ip + 2) - ip_header : 0;
    src = Ipv4Text(ip + 12);
    dst = Ipv4Text(ip + 16);
  } else if (ethertype == 0x86DD && left >= 40 && ip[6] == 6) {
    ip_header = 40;
    ip_payload = Get16(ip + 4);
    src = Ipv6Text(ip + 8);
    dst = Ipv6Text(ip + 24);
  } else {
    return false;
  }
  if (left < ip_header + 20) return false;
  const uint8_t* tcp = ip + ip_header;
  const size_t tcp_header = (tcp[12] >> 4) * 4u;
  const uint8_t f = tcp[13];
  out->src = Endpoint{src, Get16(tcp)};
  out->dst = Endpoint{dst, Get16(tcp + 2)};
  out->seq = Get32(tcp + 4);
  out->ack = Get32(tcp + 8);
  out->window = Get16(tcp + 14);
  out->length = ip_payload > tcp_header ? static_cast<uint32_t>(ip_payload - tcp_header) : 0;
  out->flags.clear();
  const std::pair<uint8_t, char> letters[] = {{0x02, 'S'}, {0x01, 'F'}, {0x04, 'R'},
                                              {0x08, 'P'}, {0x10, 'A'}, {0x20, 'U'}};
  for (const auto& [bit, letter] : letters) {
    if (f & bit) out->flags += letter;
  }
  out->window_scale = -1;
  out->has_timestamp = false;
  if (tcp_header > 20) {
    DecodeOptions(tcp + 20, std::min(tcp_header, left - ip_header) - 20, out);
  }
  return true;
}

bool DecodeEthernetTcp(const uint8_t* frame, size_t length, CapturedSegment* out) {
  if (length < 14) return false;
  return DecodeIpTcp(frame + 14, length - 14, Get16(frame + 12), out);
}

bool DecodeFrame(FrameKind kind, const uint8_t* frame, size_t length, CapturedSegment* out) {
  if (kind == FrameKind::kEthernet) return DecodeEthernetTcp(frame, length, out);
  if (length < 1) return false;
  return DecodeIpTcp(frame, length, (frame[0] >> 4) == 6 ? 0x86DD : 0x0800, out);
}

bool HasExactFlags(const CapturedSegment& s, const std::string& letters) {
  if (letters.empty()) return true;
  for (char c : std::string("SFRA")) {
    const bool has = s.flags.find(c) != std::string::npos;
    const bool wanted = letters.find(c) != std::string::npos;
    if (has != wanted) return false;
  }
  return true;
}

}  // namespace closeprobe::agent
