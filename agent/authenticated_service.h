// AuthenticatedService: what the agent registers with its gRPC server: every
// RPC of the Agent service, each behind the AuthGate before its handler
// runs. Handlers never authenticate; an RPC added to agent.proto and not
// listed here is not served at all (missing() names it, and the agent
// refuses to start), so no RPC can be reached without the gate.
//
// Health checking is served beside it without a token (it says only
// whether the agent is up); reflection is served only when no token is
// required (agent/main.cc).
#ifndef CLOSEPROBE_AGENT_AUTHENTICATED_SERVICE_H_
#define CLOSEPROBE_AGENT_AUTHENTICATED_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <deque>
#include <string>
#include <vector>

#include "agent/auth_gate.h"
#include "closeprobe/v1/agent.grpc.pb.h"

namespace closeprobe::agent {

class AuthenticatedService final : public grpc::Service {
 public:
  // Neither is owned; both must outlive this service.
  AuthenticatedService(v1::Agent::Service* handlers, AuthGate* gate);

  // The Agent RPCs (from agent.proto's descriptor) this service does not
  // serve: empty unless the list in the .cc falls behind the contract.
  const std::vector<std::string>& missing() const { return missing_; }

 private:
  template <typename Req, typename Reply>
  void Add(const char* name,
           grpc::Status (v1::Agent::Service::*method)(grpc::ServerContext*, const Req*, Reply*));

  v1::Agent::Service* const handlers_;
  AuthGate* const gate_;
  std::vector<std::string> served_;
  std::deque<std::string> paths_;  // "/closeprobe.v1.Agent/Info": the methods keep pointers
  std::vector<std::string> missing_;
};

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_AUTHENTICATED_SERVICE_H_
