// WireCapture: records the TCP segments of a port range as they cross the
// agent's host (the interface that carries its test address), with the raw
// packets as a pcap file.
//
// Thread safety: implementations are safe for concurrent access; several
// captures may run at once (one per running case).
#ifndef CLOSEPROBE_AGENT_WIRE_CAPTURE_H_
#define CLOSEPROBE_AGENT_WIRE_CAPTURE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/socket_api.h"

namespace closeprobe::agent {

struct CapturedSegment {
  int64_t unix_ns = 0;
  Endpoint src;
  Endpoint dst;
  std::string flags;  // "S", "SA", "FA", "R", "PA" (order: S F R P A U)
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint32_t length = 0;
  uint32_t window = 0;
  // Options the numbers of an injected segment depend on.
  int window_scale = -1;  // the window-scale option's shift; -1: none
  bool has_timestamp = false;
  uint32_t ts_value = 0;  // TSval and TSecr when has_timestamp
  uint32_t ts_echo = 0;
};

struct CaptureResult {
  std::vector<CapturedSegment> segments;
  std::string pcap;  // a complete pcap file
  uint64_t dropped = 0;
};

class WireCapture {
 public:
  virtual ~WireCapture() = default;
  // Starts capturing segments with a source or destination port in
  // [first_port, last_port] on the interface holding `local_address`.
  // Returns the capture's id; sets *interface. Unavailable without the
  // privilege to capture.
  virtual absl::StatusOr<int> Start(const std::string& local_address, uint16_t first_port,
                                    uint16_t last_port, std::string* interface) = 0;
  // Stops the capture and returns what it saw. NotFound for an unknown id.
  virtual absl::StatusOr<CaptureResult> Stop(int id) = 0;
  // The segments a running capture has seen so far (an inject step's
  // numbers come from them). NotFound for an unknown id.
  virtual absl::StatusOr<std::vector<CapturedSegment>> SegmentsSoFar(int id) = 0;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_WIRE_CAPTURE_H_
