// The Inject RPC: resolve a crafted segment's numbers from this session's
// capture, build it and send it onto the link (agent.proto InjectRequest).
#include <chrono>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "agent/agent_service.h"
#include "agent/grpc_status.h"
#include "agent/injection_resolver.h"
#include "agent/proto_convert.h"
#include "agent/segment_decoder.h"
#include "agent/segment_builder.h"

namespace closeprobe::agent {

grpc::Status InjectSegment(const Platform& platform, Session& session,
                           const v1::InjectRequest& req, v1::InjectReply* reply) {
  if (platform.injector == nullptr || platform.capture == nullptr) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                        "this agent has no segment injection (start it with --allow_faults, as "
                        "root, on Linux)");
  }
  int id = 0;
  if (!absl::SimpleAtoi(req.capture(), &id) || !session.HasCleanup(absl::StrCat("capture:", id))) {
    return ToGrpcStatus(absl::NotFoundError(
        absl::StrCat("capture '", req.capture(), "' is not running in this session")));
  }
  std::vector<CapturedSegment> seen;
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(seen, platform.capture->SegmentsSoFar(id));
  ResolvedInjection resolved;
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(resolved, ResolveInjection(seen, req));
  std::string packet;
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(packet, BuildIpv4TcpPacket(resolved.fields));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(*reply->mutable_interface(),
                                   platform.injector->Send(packet, resolved.fields.dst_address));
  CapturedSegment sent;
  DecodeIpTcp(reinterpret_cast<const uint8_t*>(packet.data()), packet.size(), 0x0800, &sent);
  sent.unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  SegmentToProto(sent, reply->mutable_segment());
  reply->set_resolved(resolved.how);
  return grpc::Status::OK;
}

}  // namespace closeprobe::agent
