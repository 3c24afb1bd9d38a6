// AuthenticatedService: what the agent registers with its gRPC server: every
// RPC of the Agent service, each behind the AuthGate before its handler
// runs. Handlers never authenticate.
//
// The RPCs come from agent.proto's descriptor, not from a list: method i of
// the contract is served by the generated service's handler i (the index
// grpc_cpp_plugin gives every method, as its WithAsyncMethod_ templates use),
// wrapped so the gate decides first and a refused call never reaches the
// handler. A gate inside the gRPC stack would not do: C++ server
// interceptors cannot refuse a call before its handler runs
// (grpc/grpc#24017), and an AuthMetadataProcessor does not run on an
// insecure server (grpc/grpc#28807), which a loopback agent is. The wrapper
// refuses unary calls only; a streaming RPC in the contract is named by
// ungated() and the agent refuses to start, so no RPC is reached without
// the gate.
//
// Health checking is served beside it without a token (it says only
// whether the agent is up); reflection is served only when no token is
// required (agent/main.cc).
#ifndef CLOSEPROBE_AGENT_AUTHENTICATED_SERVICE_H_
#define CLOSEPROBE_AGENT_AUTHENTICATED_SERVICE_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/rpc_service_method.h>
#include <grpcpp/impl/service_type.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "agent/auth_gate.h"

namespace closeprobe::agent {

class AuthenticatedService final : public grpc::Service {
 public:
  // The handler of the contract's method i (a generated Service's
  // GetHandler(i)); it and `gate` must outlive this service.
  using HandlerOf = std::function<grpc::internal::MethodHandler*(int)>;

  // `contract` null (no descriptor found) serves nothing and says so.
  AuthenticatedService(const google::protobuf::ServiceDescriptor* contract,
                       HandlerOf handler_of, AuthGate* gate);

  // The contract's RPCs that are not served because the gate cannot stand
  // in front of them: empty unless agent.proto gains a streaming RPC (or
  // the contract was not found).
  const std::vector<std::string>& ungated() const { return ungated_; }

 private:
  std::deque<std::string> paths_;  // "/closeprobe.v1.Agent/Info": the methods keep pointers
  std::vector<std::string> ungated_;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_AUTHENTICATED_SERVICE_H_
