// SegmentInjector: sends one crafted IPv4 packet from the agent's host onto
// the link toward its destination, bypassing the host's TCP (its kernel
// keeps no state for it), so the stack at the destination receives it as
// from the wire. Used by an agent beside the subject on its link (the peer
// of a veth pair, the kernel side of a TAP device).
//
// Thread safety: implementations are safe for concurrent access.
#ifndef CLOSEPROBE_AGENT_SEGMENT_INJECTOR_H_
#define CLOSEPROBE_AGENT_SEGMENT_INJECTOR_H_

#include <string>

#include "absl/status/statusor.h"

namespace closeprobe::agent {

class SegmentInjector {
 public:
  virtual ~SegmentInjector() = default;
  // Sends `ipv4_packet` (a whole packet, checksums included) toward
  // `dst_address`; returns where it went, e.g. "raw IPv4 socket via cpp123".
  virtual absl::StatusOr<std::string> Send(const std::string& ipv4_packet,
                                           const std::string& dst_address) = 0;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_SEGMENT_INJECTOR_H_
