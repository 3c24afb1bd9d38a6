// The one conversion from absl::Status (used inside the agent) to
// grpc::Status (at the server edge). The codes correspond one to one.
#ifndef CLOSEPROBE_AGENT_GRPC_STATUS_H_
#define CLOSEPROBE_AGENT_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace closeprobe::agent {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace closeprobe::agent

// Evaluates `expr` (an absl::StatusOr); on error returns it from the
// enclosing gRPC handler as a grpc::Status, else moves the value into `lhs`.
#define CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(lhs, expr) \
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN_IMPL(            \
      CLOSEPROBE_STATUS_CONCAT(status_or_, __LINE__), lhs, expr)
#define CLOSEPROBE_GRPC_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                          \
  if (!tmp.ok()) return ::closeprobe::agent::ToGrpcStatus(tmp.status()); \
  lhs = std::move(*tmp)
// Evaluates `expr` (an absl::Status); on error returns it from the enclosing
// gRPC handler as a grpc::Status.
#define CLOSEPROBE_GRPC_RETURN_IF_ERROR(expr)                                 \
  do {                                                                        \
    const ::absl::Status closeprobe_status = (expr);                          \
    if (!closeprobe_status.ok()) return ::closeprobe::agent::ToGrpcStatus(closeprobe_status); \
  } while (0)
#define CLOSEPROBE_STATUS_CONCAT(a, b) CLOSEPROBE_STATUS_CONCAT_INNER(a, b)
#define CLOSEPROBE_STATUS_CONCAT_INNER(a, b) a##b

namespace closeprobe::agent {

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_GRPC_STATUS_H_
