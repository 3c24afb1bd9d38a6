#include "agent/segment_builder.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "agent/ip_address.h"

namespace closeprobe::agent {
namespace {

constexpr size_t kIpHeader = 20;
constexpr size_t kTcpHeader = 20;
constexpr size_t kMaxPacket = 1500;  // one Ethernet frame's payload

void Put16(std::string& out, size_t at, uint16_t v) {
  out[at] = static_cast<char>(v >> 8);
  out[at + 1] = static_cast<char>(v & 0xff);
}
void Put32(std::string& out, size_t at, uint32_t v) {
  Put16(out, at, static_cast<uint16_t>(v >> 16));
  Put16(out, at + 2, static_cast<uint16_t>(v & 0xffff));
}

uint32_t Sum(const uint8_t* data, size_t length, uint32_t sum) {
  for (size_t i = 0; i + 1 < length; i += 2) sum += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
  if (length % 2 == 1) sum += static_cast<uint32_t>(data[length - 1] << 8);
  return sum;
}

absl::StatusOr<IpAddress> Ipv4(const std::string& text) {
  IpAddress a;
  if (!ParseIpAddress(text, &a) || a.v6) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not an IPv4 address"));
  }
  return a;
}

// The options as bytes, NOP-padded to a multiple of four.
std::string Options(const TcpSegmentFields& f) {
  std::string o;
  if (f.mss) o += std::string{2, 4, static_cast<char>(*f.mss >> 8), static_cast<char>(*f.mss & 0xff)};
  if (f.window_scale) o += std::string{1, 3, 3, static_cast<char>(*f.window_scale)};
  if (f.sack_permitted) o += std::string{1, 1, 4, 2};
  if (f.timestamp) {
    std::string ts(12, '\0');
    ts[0] = ts[1] = 1;  // two NOPs align the 10-byte option
    ts[2] = 8;
    ts[3] = 10;
    Put32(ts, 4, f.timestamp->value);
    Put32(ts, 8, f.timestamp->echo);
    o += ts;
  }
  while (o.size() % 4 != 0) o += '\1';
  return o;
}

}  // namespace

absl::StatusOr<uint8_t> TcpFlagBits(const std::string& letters) {
  uint8_t bits = 0;
  for (char c : letters) {
    switch (c) {
      case 'F': bits |= 0x01; break;
      case 'S': bits |= 0x02; break;
      case 'R': bits |= 0x04; break;
      case 'P': bits |= 0x08; break;
      case 'A': bits |= 0x10; break;
      case 'U': bits |= 0x20; break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("flag letter '", std::string(1, c), "' is not one of S F R P A U"));
    }
  }
  return bits;
}

uint16_t InternetChecksum(const uint8_t* data, size_t length, uint32_t initial) {
  uint32_t sum = Sum(data, length, initial);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

absl::StatusOr<std::string> BuildIpv4TcpPacket(const TcpSegmentFields& f) {
  absl::StatusOr<IpAddress> src = Ipv4(f.src_address);
  if (!src.ok()) return src.status();
  absl::StatusOr<IpAddress> dst = Ipv4(f.dst_address);
  if (!dst.ok()) return dst.status();
  absl::StatusOr<uint8_t> bits = TcpFlagBits(f.flags);
  if (!bits.ok()) return bits.status();
  const std::string options = Options(f);
  const size_t tcp_length = kTcpHeader + options.size() + f.payload.size();
  const size_t total = kIpHeader + tcp_length;
  if (total > kMaxPacket) {
    return absl::InvalidArgumentError(
        absl::StrCat("the packet would be ", total, " bytes, more than ", kMaxPacket));
  }
  std::string p(total, '\0');
  p[0] = 0x45;  // IPv4, 5 words
  Put16(p, 2, static_cast<uint16_t>(total));
  Put16(p, 6, 0x4000);  // don't fragment
  p[8] = static_cast<char>(f.ttl);
  p[9] = 6;  // TCP
  for (int i = 0; i < 4; ++i) {
    p[12 + i] = static_cast<char>(src->bytes[i]);
    p[16 + i] = static_cast<char>(dst->bytes[i]);
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(p.data());
  Put16(p, 10, InternetChecksum(bytes, kIpHeader));
  const size_t t = kIpHeader;
  Put16(p, t, f.src_port);
  Put16(p, t + 2, f.dst_port);
  Put32(p, t + 4, f.seq);
  Put32(p, t + 8, f.ack);
  p[t + 12] = static_cast<char>(((kTcpHeader + options.size()) / 4) << 4);
  p[t + 13] = static_cast<char>(*bits);
  Put16(p, t + 14, f.window);
  p.replace(t + kTcpHeader, options.size(), options);
  p.replace(t + kTcpHeader + options.size(), f.payload.size(), f.payload);
  // The pseudo-header (RFC 793 3.1): addresses, protocol, TCP length.
  uint32_t pseudo = Sum(bytes + 12, 8, 0) + 6 + static_cast<uint32_t>(tcp_length);
  Put16(p, t + 16, InternetChecksum(bytes + t, tcp_length, pseudo));
  return p;
}

}  // namespace closeprobe::agent
