// WireAttribution: turns a capture into the report's segments: who sent each
// one, and sequence numbers relative to each direction's own first number.
#ifndef CLOSEPROBE_CONTROLLER_RUN_WIRE_ATTRIBUTION_H_
#define CLOSEPROBE_CONTROLLER_RUN_WIRE_ATTRIBUTION_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

// Who is who on the wire: (address, port) of each role's sockets, and each
// role's address (used when a port is not known, e.g. a failed connect).
struct WireRoles {
  std::map<std::pair<std::string, uint32_t>, std::string> by_endpoint;
  std::map<std::string, std::string> by_address;  // only addresses one role has
};

// Appends the captured segments to `out`, attributed and numbered.
void AttributeSegments(const std::vector<v1::Segment>& captured, const WireRoles& roles,
                       google::protobuf::RepeatedPtrField<v1::WireSegment>* out);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_RUN_WIRE_ATTRIBUTION_H_
