// Every translation between agent.proto messages and the agent's internal
// types (gVisor's sockaddr_to_proto pattern). Conversions from requests
// validate: a bad value is absl::InvalidArgumentError with a message that
// names the field, which the service returns as the RPC's status.
#ifndef CLOSEPROBE_AGENT_PROTO_CONVERT_H_
#define CLOSEPROBE_AGENT_PROTO_CONVERT_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "agent/error_names.h"
#include "agent/fault_injector.h"
#include "agent/wire_capture.h"
#include "agent/platform_info.h"
#include "agent/socket_api.h"
#include "agent/state_observer.h"
#include "closeprobe/v1/agent.pb.h"

namespace closeprobe::agent {

inline constexpr int32_t kMaxLingerSeconds = 600;

absl::StatusOr<Endpoint> EndpointFromProto(const v1::Endpoint& e);
void EndpointToProto(const Endpoint& e, v1::Endpoint* out);

// An option agent.proto names (the core takes v1::SocketOption as it is).
absl::Status CheckOption(v1::SocketOption option);
absl::StatusOr<OptionValue> OptionValueFromProto(v1::SocketOption option,
                                                 const v1::OptionValue& v);
// The value of `option` only: SO_LINGER fills `linger`, the others the rest.
void OptionValueToProto(v1::SocketOption option, const OptionValue& v, v1::OptionValue* out);

absl::StatusOr<v1::ShutdownHow> ShutdownFromProto(v1::ShutdownHow how);

// The events a poll asks for: IN, OUT and RDHUP, at least one.
absl::StatusOr<PollEvents> PollEventsFromProto(
    const google::protobuf::RepeatedField<int>& events);
void PollEventsToProto(const PollEvents& fired, google::protobuf::RepeatedField<int>* out);

// A request's deadline_ms: 0 = `fallback`; negative or above `limit` is invalid.
absl::StatusOr<absl::Duration> DeadlineFromProto(int32_t ms,
                                                 absl::Duration fallback,
                                                 absl::Duration limit);

void CallResultToProto(const CallResult& r, ErrorNameTable names,
                       v1::CallResult* out);
void ConnectionToProto(const ConnectionInfo& c, v1::Connection* out);
void DescriptionToProto(const PlatformDescription& d, v1::InfoReply* out);
void SegmentToProto(const CapturedSegment& s, v1::Segment* out);
// A port range of a request: 1 <= first <= last <= 65535.
absl::Status CheckPortRange(uint32_t first, uint32_t last);
absl::StatusOr<FaultRule> FaultRuleFromProto(const v1::AddFaultRequest& req);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_PROTO_CONVERT_H_
