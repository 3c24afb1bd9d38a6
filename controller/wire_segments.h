// WireSegments: turns a capture into the report's segments (who sent each
// one, relative sequence numbers per direction) and evaluates the wire
// expectations of case files against them.
#ifndef CLOSEPROBE_CONTROLLER_WIRE_SEGMENTS_H_
#define CLOSEPROBE_CONTROLLER_WIRE_SEGMENTS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "closeprobe/v1/agent.pb.h"
#include "closeprobe/v1/case.pb.h"
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

// Whether `check` holds for the segments; *observed describes what was seen.
bool WireHolds(const v1::WireCheck& check,
               const google::protobuf::RepeatedPtrField<v1::WireSegment>& segments,
               std::string* observed);

// How many segments the check's sender sent with its flags (counts and
// ordering aside).
int CountSent(const v1::WireCheck& check,
              const google::protobuf::RepeatedPtrField<v1::WireSegment>& segments);

// "client F" / "server R x2 after client F": the check as text.
std::string DescribeWireCheck(const v1::WireCheck& check);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_WIRE_SEGMENTS_H_
