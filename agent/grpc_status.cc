#include "agent/grpc_status.h"

#include <string>

namespace closeprobe::agent {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode mirrors google.rpc.Code, as grpc::StatusCode does.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace closeprobe::agent
