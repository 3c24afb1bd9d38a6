// SegmentBuilder: the bytes of one IPv4 packet carrying a TCP segment whose
// every field is chosen by the caller (the crafted segments of an inject
// step): flags, numbers, window, payload and options, with correct IP and
// TCP checksums. Pure byte work, no platform headers; the inverse of
// segment_decoder.h.
//
// Thread safety: stateless functions.
#ifndef CLOSEPROBE_AGENT_SEGMENT_BUILDER_H_
#define CLOSEPROBE_AGENT_SEGMENT_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace closeprobe::agent {

struct TcpTimestampOption {
  uint32_t value = 0;  // TSval
  uint32_t echo = 0;   // TSecr
};

struct TcpSegmentFields {
  std::string src_address;  // numeric IPv4
  std::string dst_address;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  std::string flags;  // letters S F R P A U, any order
  uint16_t window = 0;
  std::string payload;
  // Options, written in this order (NOP-padded to 32 bits): MSS, window
  // scale, SACK-permitted, timestamps.
  std::optional<uint16_t> mss;
  std::optional<uint8_t> window_scale;
  bool sack_permitted = false;
  std::optional<TcpTimestampOption> timestamp;
  uint8_t ttl = 64;
};

// The TCP flag bits of tcpdump-style letters; InvalidArgument names an
// unknown letter.
absl::StatusOr<uint8_t> TcpFlagBits(const std::string& letters);

// RFC 1071's ones'-complement sum of `length` bytes, folded and
// complemented, continuing from `initial` (an unfolded partial sum).
uint16_t InternetChecksum(const uint8_t* data, size_t length, uint32_t initial = 0);

// The whole IPv4 packet (header without options, TCP header with the
// options, payload). InvalidArgument for an address that is not IPv4, a bad
// flag letter, or a packet beyond 1500 bytes.
absl::StatusOr<std::string> BuildIpv4TcpPacket(const TcpSegmentFields& fields);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_SEGMENT_BUILDER_H_
