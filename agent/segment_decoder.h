// Decodes a captured IPv4/IPv6 packet carrying TCP into a CapturedSegment.
// Shared by the capture of every platform (libpcap frames on Linux, netif
// frames on lwIP); pure byte parsing, no platform headers.
#ifndef CLOSEPROBE_AGENT_SEGMENT_DECODER_H_
#define CLOSEPROBE_AGENT_SEGMENT_DECODER_H_

#include <cstddef>
#include <cstdint>

#include "agent/wire_capture.h"

namespace closeprobe::agent {

// `ip` points at the IP header; `ethertype` says which (0x0800, 0x86DD).
// False if the packet is not a complete-enough TCP segment. Leaves
// out->unix_ns alone.
bool DecodeIpTcp(const uint8_t* ip, size_t length, uint16_t ethertype, CapturedSegment* out);

// The same for an Ethernet frame.
bool DecodeEthernetTcp(const uint8_t* frame, size_t length, CapturedSegment* out);

// What a user-space stack's frames hold: Ethernet frames (lwIP's netif) or
// bare IP packets (gVisor's link endpoint, below its Ethernet layer).
enum class FrameKind { kEthernet, kIp };

// The same for a frame of a FrameHooks stack: Ethernet, or a bare IP
// packet (its version nibble says which).
bool DecodeFrame(FrameKind kind, const uint8_t* frame, size_t length, CapturedSegment* out);

// Whether a segment has exactly the given flags among S F R A ("" = any).
bool HasExactFlags(const CapturedSegment& s, const std::string& letters);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_SEGMENT_DECODER_H_
