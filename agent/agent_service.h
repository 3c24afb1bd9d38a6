// AgentService: the gRPC Agent service (agent.proto) over one Platform.
//
// Threading model: gRPC's synchronous server runs each RPC on a thread of
// its pool; handlers run concurrently. Blocking socket calls (accept, recv,
// connect, close with linger) and state waits block only their own RPC's
// thread, for at most the deadline the request asked for, itself capped by
// AgentOptions::max_deadline. Sessions and their leases live in a
// SessionRegistry, whose reaper thread closes the sockets of expired
// sessions. The Platform's pieces are safe for concurrent use.
//
// Authentication is not a handler's business: the service is registered
// with a server only as grpc_service(), an AuthenticatedService that puts
// the AuthGate in front of every RPC. The handlers are not reachable from
// outside agent_service.cc, so the ungated service cannot be registered by
// mistake.
//
// Handlers follow one shape: acquire the session, look up the handle,
// convert the request, make the call, fill the reply. A failed
// socket call is an OK RPC carrying the error; a gRPC error status means a
// bad request or an agent fault, with a message saying which.
#ifndef CLOSEPROBE_AGENT_AGENT_SERVICE_H_
#define CLOSEPROBE_AGENT_AGENT_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "agent/auth_gate.h"
#include "agent/authenticated_service.h"
#include "agent/live_connections.h"
#include "agent/platform.h"
#include "agent/scheduled_start.h"
#include "agent/session_registry.h"
#include "agent/target_allow_list.h"
#include "closeprobe/v1/agent.grpc.pb.h"

namespace closeprobe::agent {

struct AgentOptions {
  AuthOptions auth;          // the token (if any) and the refusal bound
  std::string test_address;  // reported by Info: where peers reach this stack
  // Said at start and by Info: e.g. that the token travels in clear.
  std::vector<std::string> warnings;
  SessionLimits limits;
  absl::Duration default_deadline = absl::Seconds(10);
  absl::Duration max_deadline = absl::Minutes(10);
  int max_call_bytes = 16 << 20;  // bytes one send or recv may carry or ask for
  TargetAllowList targets;       // where connect() may go (default: anywhere)
};

class AgentService final {
 public:
  AgentService(Platform platform, AgentOptions options);
  ~AgentService();

  SessionRegistry& sessions();
  // What to register with a grpc::ServerBuilder: every RPC behind the gate.
  AuthenticatedService* grpc_service();
  bool requires_token() const;

 private:
  // The handlers (agent_service.cc): each RPC is declared and defined there
  // only, so a new RPC touches no header.
  class Handlers;
  std::unique_ptr<Handlers> handlers_;
};

// The Inject RPC's body (agent_service_inject.cc), for the handlers.
grpc::Status InjectSegment(const Platform& platform, Session& session,
                           const v1::InjectRequest& req, v1::InjectReply* reply);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_AGENT_SERVICE_H_
