// InjectionResolver: turns an inject request's relative fields (sequence
// numbers as offsets from what one end has sent, a window "as the sender's
// last", timestamps "as the sender's own") into the absolute fields of one
// crafted segment, from the segments a capture has seen on the connection.
// A field that cannot be resolved is FailedPrecondition saying what is
// missing; nothing is guessed.
//
// Thread safety: stateless functions.
#ifndef CLOSEPROBE_AGENT_INJECTION_RESOLVER_H_
#define CLOSEPROBE_AGENT_INJECTION_RESOLVER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/segment_builder.h"
#include "agent/wire_capture.h"
#include "closeprobe/v1/agent.pb.h"

namespace closeprobe::agent {

struct ResolvedInjection {
  TcpSegmentFields fields;
  std::string how;  // e.g. "seq = 198.18.1.2:40000 next 1001 + 0; ack = ..."
};

// `seen`: the capture's segments, oldest first. The connection is the one
// between req.from and req.to (a port 0 matches any port, but exactly one
// connection must match); its numbers are those since each end's last SYN.
absl::StatusOr<ResolvedInjection> ResolveInjection(const std::vector<CapturedSegment>& seen,
                                                   const v1::InjectRequest& req);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_INJECTION_RESOLVER_H_
